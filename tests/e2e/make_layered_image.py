#!/usr/bin/env python3
"""Writes a two-layer image archive in docker's old save format, for the e2e tests.

    make_layered_image.py ROOTFS OUT.tar NAME:TAG

Layer 1 is ROOTFS (a busybox root filesystem). Layer 2 deletes /etc/group (a whiteout),
replaces /srv's content (an opaque directory) and adds /srv/new, so a container of the
image proves both kinds of whiteout were applied.
"""
import hashlib
import io
import json
import sys
import tarfile


def tar_bytes(fill):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        fill(tar)
    return buf.getvalue()


def add_file(tar, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(content))


def add_dir(tar, name):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    tar.addfile(info)


def base_layer(rootfs):
    def fill(tar):
        tar.add(rootfs, arcname=".")
        add_dir(tar, "./srv")
        add_file(tar, "./srv/old", b"old\n")
    return tar_bytes(fill)


def change_layer(tar):
    add_file(tar, "etc/.wh.group", b"")
    add_dir(tar, "srv")
    add_file(tar, "srv/.wh..wh..opq", b"")
    add_file(tar, "srv/new", b"new\n")


def main():
    rootfs, out, ref = sys.argv[1:4]
    layers = [base_layer(rootfs), tar_bytes(change_layer)]
    diff_ids = ["sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers]
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
        "config": {"Cmd": ["sh", "-c", "ls /srv; test -e /etc/group && echo group || echo no-group"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "base"}, {"created_by": "changes"}],
    }).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    with tarfile.open(out, "w") as archive:
        add_file(archive, config_name, config)
        names = []
        for diff_id, layer in zip(diff_ids, layers):
            names.append(diff_id[len("sha256:"):] + "/layer.tar")
            add_file(archive, names[-1], layer)
        manifest = [{"Config": config_name, "RepoTags": [ref], "Layers": names}]
        add_file(archive, "manifest.json", json.dumps(manifest).encode())


if __name__ == "__main__":
    main()
