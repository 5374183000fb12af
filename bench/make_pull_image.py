#!/usr/bin/env python3
"""Writes an image archive (docker's old save format) for bench/image_pull.sh.

    make_pull_image.py OUT.tar NAME:TAG [LAYERS] [MB_PER_LAYER]

Each layer holds one file of random (incompressible) bytes, gzip-compressed as registries
serve layers, so the pull moves about LAYERS x MB_PER_LAYER megabytes.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def layer(index, size):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("data/layer%d.bin" % index)
        info.size = size
        tar.addfile(info, io.BytesIO(os.urandom(size)))
    plain = raw.getvalue()
    return "sha256:" + hashlib.sha256(plain).hexdigest(), gzip.compress(plain, compresslevel=1)


def main():
    out, ref = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    size = (int(sys.argv[4]) if len(sys.argv) > 4 else 20) * 1000 * 1000
    layers = [layer(i, size) for i in range(count)]
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
        "config": {"Cmd": ["true"]},
        "rootfs": {"type": "layers", "diff_ids": [d for d, _ in layers]},
    }).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    with tarfile.open(out, "w") as archive:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        add(config_name, config)
        names = []
        for _, blob in layers:
            names.append(hashlib.sha256(blob).hexdigest() + "/layer.tar")
            add(names[-1], blob)
        add("manifest.json", json.dumps([{"Config": config_name, "RepoTags": [ref], "Layers": names}]).encode())


if __name__ == "__main__":
    main()
