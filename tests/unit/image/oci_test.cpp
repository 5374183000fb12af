#include <catch2/catch.hpp>

#include <string>

#include "base/error.hpp"
#include "engine/image/oci.hpp"

using namespace stack::engine::image;

namespace {

// "sha256:" and 64 copies of `c`: distinct, valid digests for the documents below.
std::string dg(char c) { return "sha256:" + std::string(64, c); }

// Replaces every "%X%" in `text` (X a hex digit) with dg(X), so documents stay readable.
std::string with_digests(std::string text) {
  for (std::size_t at = text.find('%'); at != std::string::npos; at = text.find('%', at)) {
    text.replace(at, 3, dg(text[at + 1]));
  }
  return text;
}

// The message `fn` throws, or "" when it does not throw.
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const stack::Error& e) {
    return e.what();
  }
  return "";
}

// Shaped like the official nginx index: OCI, one image and one attestation per platform.
// The attestation of amd64 is put first so that skipping it is what the test sees.
const std::string kNginxIndex = with_digests(R"json({
  "manifests": [
    {"annotations": {"com.docker.official-images.bashbrew.arch": "amd64",
                     "vnd.docker.reference.digest": "%1%",
                     "vnd.docker.reference.type": "attestation-manifest"},
     "digest": "%a%", "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "platform": {"architecture": "unknown", "os": "unknown"}, "size": 841},
    {"annotations": {"com.docker.official-images.bashbrew.arch": "amd64",
                     "org.opencontainers.image.base.name": "debian:bookworm-slim",
                     "org.opencontainers.image.version": "1.25.3"},
     "digest": "%1%", "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "platform": {"architecture": "amd64", "os": "linux"}, "size": 2295},
    {"annotations": {"com.docker.official-images.bashbrew.arch": "arm32v5"},
     "digest": "%2%", "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "platform": {"architecture": "arm", "os": "linux", "variant": "v5"}, "size": 2297},
    {"annotations": {"com.docker.official-images.bashbrew.arch": "arm32v7"},
     "digest": "%3%", "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}, "size": 2297},
    {"annotations": {"com.docker.official-images.bashbrew.arch": "arm64v8"},
     "digest": "%4%", "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}, "size": 2297},
    {"annotations": {"vnd.docker.reference.digest": "%4%",
                     "vnd.docker.reference.type": "attestation-manifest"},
     "digest": "%b%", "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "platform": {"architecture": "unknown", "os": "unknown"}, "size": 841},
    {"digest": "%5%", "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "platform": {"architecture": "386", "os": "linux"}, "size": 2295}
  ],
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "schemaVersion": 2
})json");

// A Docker schema2 manifest as `docker push` writes it (size before digest, indented).
const std::string kSchema2Manifest = with_digests(R"json({
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
   "config": {
      "mediaType": "application/vnd.docker.container.image.v1+json",
      "size": 7023,
      "digest": "%c%"
   },
   "layers": [
      {
         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
         "size": 32654,
         "digest": "%d%"
      },
      {
         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
         "size": 16724,
         "digest": "%e%"
      }
   ]
})json");

// A Docker image config with the null fields, container_config and docker_version that
// docker's builder writes, and a HEALTHCHECK with every duration set.
const std::string kNginxConfig = with_digests(R"json({
  "architecture": "amd64",
  "author": "NGINX Docker Maintainers",
  "config": {
    "Hostname": "", "Domainname": "", "User": "nginx", "AttachStdin": false,
    "ExposedPorts": {"80/tcp": {}, "443/tcp": {}},
    "Tty": false, "OpenStdin": false,
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.25.3"],
    "Cmd": ["nginx", "-g", "daemon off;"],
    "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                    "Interval": 30000000000, "Timeout": 5000000000, "StartPeriod": 10000000000,
                    "StartInterval": 2000000000, "Retries": 3},
    "Image": "%9%",
    "Volumes": {"/var/cache/nginx": {}, "/data": {}},
    "WorkingDir": "/usr/share/nginx/html",
    "Entrypoint": ["/docker-entrypoint.sh"],
    "OnBuild": null,
    "Labels": {"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>"},
    "StopSignal": "SIGQUIT"
  },
  "container_config": {"Cmd": ["/bin/sh", "-c", "#(nop) ", "CMD [\"nginx\" \"-g\" \"daemon off;\"]"]},
  "created": "2023-11-01T04:55:12.123456789Z",
  "docker_version": "20.10.23",
  "history": [
    {"created": "2023-10-31T23:40:14.142564785Z",
     "created_by": "/bin/sh -c #(nop) ADD file:e5e9c1c8ce7d1ba4a in / "},
    {"created": "2023-10-31T23:40:14.508713465Z", "created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]",
     "empty_layer": true},
    {"created": "2023-11-01T04:55:12.123456789Z", "created_by": "RUN /bin/sh -c set -x # buildkit",
     "comment": "buildkit.dockerfile.v0"}
  ],
  "os": "linux",
  "rootfs": {"type": "layers", "diff_ids": ["%d%", "%e%"]}
})json");

}  // namespace

TEST_CASE("an OCI index parses with platforms and annotations", "[oci]") {
  Index index = parse_index(kNginxIndex);
  CHECK(index.media_type == media_type::kOciIndex);
  REQUIRE(index.manifests.size() == 7);
  const Descriptor& amd64 = index.manifests[1];
  CHECK(amd64.digest == dg('1'));
  CHECK(amd64.size == 2295);
  CHECK(amd64.media_type == media_type::kOciManifest);
  CHECK(amd64.platform == Platform{"linux", "amd64", ""});
  CHECK(amd64.annotations.at("org.opencontainers.image.version") == "1.25.3");
  CHECK(index.manifests[3].platform == Platform{"linux", "arm", "v7"});
  CHECK(is_index_media_type(index.media_type));
  CHECK(is_index_media_type(media_type::kDockerManifestList));
  CHECK_FALSE(is_index_media_type(media_type::kOciManifest));
}

TEST_CASE("platform selection skips attestations and picks the asked platform", "[oci]") {
  Index index = parse_index(kNginxIndex);
  CHECK(select_platform(index).digest == dg('1'));
  CHECK(select_platform(index, "linux", "arm64").digest == dg('4'));
  CHECK(select_platform(index, "linux", "arm64", "v8").digest == dg('4'));
  CHECK(select_platform(index, "linux", "386").digest == dg('5'));
  // Without a variant the first arm entry matches; with one, only that variant does.
  CHECK(select_platform(index, "linux", "arm", "v7").digest == dg('3'));
  CHECK(select_platform(index, "linux", "arm", "v5").digest == dg('2'));
  CHECK(error_of([&] { select_platform(index, "linux", "arm", "v6"); }) ==
        "no matching manifest for linux/arm/v6 in the manifest list entries");
  CHECK(error_of([&] { select_platform(index, "linux", "s390x"); }) ==
        "no matching manifest for linux/s390x in the manifest list entries");
  CHECK(error_of([&] { select_platform(index, "unknown", "unknown"); }) ==
        "no matching manifest for unknown/unknown in the manifest list entries");
}

TEST_CASE("an attestation is skipped by its annotation even with a real platform", "[oci]") {
  Index index;
  index.manifests.push_back({std::string(media_type::kOciManifest), dg('a'), 10, Platform{"linux", "amd64", ""},
                             {{"vnd.docker.reference.type", "attestation-manifest"}}});
  CHECK(error_of([&] { select_platform(index); }) ==
        "no matching manifest for linux/amd64 in the manifest list entries");
  index.manifests.push_back({std::string(media_type::kOciManifest), dg('b'), 10, Platform{"linux", "amd64", ""}, {}});
  CHECK(select_platform(index).digest == dg('b'));
}

TEST_CASE("the amd64 variant is ignored, the baseline entry preferred", "[oci]") {
  Index index;
  index.manifests.push_back({"", dg('3'), 1, Platform{"linux", "amd64", "v3"}, {}});
  CHECK(select_platform(index).digest == dg('3'));
  CHECK(select_platform(index, "linux", "amd64", "v2").digest == dg('3'));
  index.manifests.push_back({"", dg('1'), 1, Platform{"linux", "amd64", ""}, {}});
  CHECK(select_platform(index).digest == dg('1'));
  // Entries without a platform say nothing about where they run.
  Index bare;
  bare.manifests.push_back({"", dg('1'), 1, std::nullopt, {}});
  CHECK_THROWS_AS(select_platform(bare), stack::Error);
}

TEST_CASE("an arm64 entry without a variant matches v8", "[oci]") {
  Index index;
  index.manifests.push_back({"", dg('9'), 1, Platform{"linux", "arm64", "v9"}, {}});
  index.manifests.push_back({"", dg('8'), 1, Platform{"linux", "arm64", ""}, {}});
  CHECK(select_platform(index, "linux", "arm64").digest == dg('8'));
  CHECK(select_platform(index, "linux", "arm64", "v8").digest == dg('8'));
  CHECK(select_platform(index, "linux", "arm64", "v9").digest == dg('9'));
}

TEST_CASE("a Docker manifest list parses as an index", "[oci]") {
  Index index = parse_index(with_digests(R"json({"schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests": [{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 528,
                   "digest": "%1%", "platform": {"architecture": "amd64", "os": "linux"}}]})json"));
  CHECK(index.media_type == media_type::kDockerManifestList);
  CHECK(select_platform(index).media_type == media_type::kDockerManifest);
}

TEST_CASE("index errors name the broken part", "[oci]") {
  CHECK(error_of([] { parse_index("{"); }) == "invalid index: the document is not valid JSON");
  CHECK(error_of([] { parse_index("[]"); }) == "invalid index: the document is not a JSON object");
  CHECK(error_of([] { parse_index(R"({"schemaVersion": 2})"); }) == "invalid index: no manifests list");
  CHECK(error_of([] { parse_index(R"({"manifests": [{"size": 1, "digest": "sha256:12"}]})"); }) ==
        "invalid index: manifests[0] has an invalid digest \"sha256:12\"");
  CHECK(error_of([] { parse_index(kSchema2Manifest); }) ==
        "invalid index: unsupported media type \"application/vnd.docker.distribution.manifest.v2+json\", "
        "expected an index or manifest list");
  // An index without mediaType is OCI's.
  CHECK(parse_index(R"({"schemaVersion": 2, "manifests": []})").media_type == media_type::kOciIndex);
}

TEST_CASE("a Docker schema2 manifest parses config and layers", "[oci]") {
  Manifest m = parse_manifest(kSchema2Manifest);
  CHECK(m.media_type == media_type::kDockerManifest);
  CHECK(m.config == Descriptor{std::string(media_type::kDockerConfig), dg('c'), 7023, std::nullopt, {}});
  REQUIRE(m.layers.size() == 2);
  CHECK(m.layers[0] == Descriptor{std::string(media_type::kDockerLayerGzip), dg('d'), 32654, std::nullopt, {}});
  CHECK(m.layers[1].digest == dg('e'));
  CHECK(m.layers[1].size == 16724);
}

TEST_CASE("an OCI manifest keeps layer annotations; without mediaType the content type decides", "[oci]") {
  std::string text = with_digests(R"json({"schemaVersion": 2,
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "%c%", "size": 1469},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+zstd", "digest": "%d%", "size": 3,
                "annotations": {"org.opencontainers.image.title": "rootfs"}}]})json");
  Manifest m = parse_manifest(text, media_type::kOciManifest);
  CHECK(m.media_type == media_type::kOciManifest);
  CHECK(m.layers.at(0).annotations == std::map<std::string, std::string>{{"org.opencontainers.image.title", "rootfs"}});
  CHECK(parse_manifest(text, "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8").media_type ==
        media_type::kDockerManifest);
  // No mediaType anywhere: an early OCI manifest.
  CHECK(parse_manifest(text).media_type == media_type::kOciManifest);
}

TEST_CASE("schema1 manifests are refused with docker's explanation", "[oci]") {
  const std::string expected = "unsupported manifest: schema1 (docker image format v1) is not supported";
  CHECK(error_of([] {
          parse_manifest(R"({"schemaVersion": 1, "name": "library/hello", "tag": "latest", "architecture": "amd64",
                             "fsLayers": [{"blobSum": "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],
                             "history": [{"v1Compatibility": "{}"}], "signatures": []})");
        }) == expected);
  CHECK(error_of([] { parse_manifest("{}", "application/vnd.docker.distribution.manifest.v1+prettyjws"); }) ==
        expected);
  CHECK(error_of([] { parse_manifest(R"({"mediaType": "application/vnd.docker.distribution.manifest.v1+json"})"); }) ==
        expected);
}

TEST_CASE("manifest errors name the missing or broken part", "[oci]") {
  auto doc = [](const std::string& body) {
    return with_digests(R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", )" + body +
                        "}");
  };
  const std::string config = R"("config": {"mediaType": "x", "digest": "%c%", "size": 2})";
  CHECK(error_of([&] { parse_manifest(doc(R"("layers": [])")); }) == "invalid manifest: no config descriptor");
  CHECK(error_of([&] { parse_manifest(doc(config)); }) == "invalid manifest: no layers list");
  CHECK(error_of([&] { parse_manifest(doc(config + R"(, "layers": {})")); }) ==
        "invalid manifest: layers is not a list");
  CHECK(error_of([&] { parse_manifest(doc(config + R"(, "layers": [{"digest": "%d%", "size": 1}, {"size": 1}])")); }) ==
        "invalid manifest: layers[1] has no digest");
  CHECK(error_of([&] { parse_manifest(doc(config + R"(, "layers": [{"digest": "md5:abc", "size": 1}])")); }) ==
        "invalid manifest: layers[0] has an invalid digest \"md5:abc\"");
  CHECK(error_of([&] { parse_manifest(doc(config + R"(, "layers": [{"digest": "%d%"}])")); }) ==
        "invalid manifest: layers[0] has no size");
  CHECK(error_of([&] { parse_manifest(doc(config + R"(, "layers": [{"digest": "%d%", "size": -1}])")); }) ==
        "invalid manifest: layers[0] has an invalid size -1");
  CHECK(error_of([&] { parse_manifest(doc(R"("config": {"size": 2}, "layers": [])")); }) ==
        "invalid manifest: config has no digest");
  CHECK(error_of([&] { parse_manifest(doc(R"("config": {"digest": 5, "size": 2}, "layers": [])")); }) ==
        "invalid manifest: config.digest is not a string");
  CHECK(error_of([] { parse_manifest("not json"); }) == "invalid manifest: the document is not valid JSON");
  CHECK(error_of([] { parse_manifest(R"({"schemaVersion": 3})"); }) == "invalid manifest: unsupported schemaVersion 3");
  CHECK(error_of([] { parse_manifest(R"({"mediaType": "application/vnd.example+json"})"); }) ==
        "invalid manifest: unsupported media type \"application/vnd.example+json\"");
  CHECK(error_of([] { parse_manifest(kNginxIndex); }) ==
        "invalid manifest: the document is an index (application/vnd.oci.image.index.v1+json), not a manifest");
}

TEST_CASE("a serialized manifest parses back to the same manifest", "[oci]") {
  Manifest m = parse_manifest(kSchema2Manifest);
  m.layers[1].annotations["org.opencontainers.image.title"] = "app";
  std::string text = serialize_manifest(m);
  CHECK(parse_manifest(text) == m);
  // Annotations are written only when there are some.
  Manifest plain = parse_manifest(kSchema2Manifest);
  CHECK(serialize_manifest(plain) ==
        with_digests(R"({"config":{"digest":"%c%","mediaType":"application/vnd.docker.container.image.v1+json",)"
                     R"("size":7023},"layers":[{"digest":"%d%","mediaType":)"
                     R"("application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654},{"digest":"%e%",)"
                     R"("mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":16724}],)"
                     R"("mediaType":"application/vnd.docker.distribution.manifest.v2+json","schemaVersion":2})"));
}

TEST_CASE("a Docker image config parses with Docker's field names", "[oci]") {
  ImageConfig c = parse_image_config(kNginxConfig);
  CHECK(c.architecture == "amd64");
  CHECK(c.os == "linux");
  CHECK(c.created == "2023-11-01T04:55:12.123456789Z");
  CHECK(c.author == "NGINX Docker Maintainers");
  const ContainerDefaults& d = c.config;
  CHECK(d.entrypoint == std::vector<std::string>{"/docker-entrypoint.sh"});
  CHECK(d.cmd == std::vector<std::string>{"nginx", "-g", "daemon off;"});
  CHECK(d.env == std::vector<std::string>{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                          "NGINX_VERSION=1.25.3"});
  CHECK(d.working_dir == "/usr/share/nginx/html");
  CHECK(d.user == "nginx");
  CHECK(d.exposed_ports == std::vector<std::string>{"443/tcp", "80/tcp"});
  CHECK(d.volumes == std::vector<std::string>{"/data", "/var/cache/nginx"});
  REQUIRE(d.healthcheck);
  CHECK(*d.healthcheck == HealthConfig{{"CMD-SHELL", "curl -f http://localhost/ || exit 1"},
                                       30'000'000'000, 5'000'000'000, 10'000'000'000, 2'000'000'000, 3});
  CHECK(d.stop_signal == "SIGQUIT");
  CHECK(d.labels == std::map<std::string, std::string>{{"maintainer", "NGINX Docker Maintainers <docker-maint@nginx.com>"}});
  CHECK(c.diff_ids == std::vector<std::string>{dg('d'), dg('e')});
  REQUIRE(c.history.size() == 3);
  CHECK(c.history[0] == HistoryEntry{"2023-10-31T23:40:14.142564785Z",
                                     "/bin/sh -c #(nop) ADD file:e5e9c1c8ce7d1ba4a in / ", "", false});
  CHECK(c.history[1].empty_layer);
  CHECK(c.history[2].comment == "buildkit.dockerfile.v0");
  CHECK_FALSE(c.history[2].empty_layer);
}

TEST_CASE("null where docker writes null reads as empty", "[oci]") {
  ImageConfig c = parse_image_config(R"({"architecture": "amd64", "os": "linux", "author": null,
    "config": {"Entrypoint": null, "Cmd": null, "Env": null, "ExposedPorts": null, "Volumes": null,
               "Healthcheck": null, "Labels": null, "WorkingDir": "", "OnBuild": null},
    "history": null, "rootfs": {"type": "layers", "diff_ids": null}})");
  CHECK(c.config == ContainerDefaults{});
  CHECK(c.diff_ids.empty());
  CHECK(c.history.empty());
  // A config without "config" at all (scratch images imported by hand) is just as empty.
  CHECK(parse_image_config(R"({"rootfs": {"type": "layers", "diff_ids": []}})").config == ContainerDefaults{});
}

TEST_CASE("a lone string for Cmd or Entrypoint is a list of one, as docker reads it", "[oci]") {
  ImageConfig c = parse_image_config(
      R"({"config": {"Cmd": "nginx", "Entrypoint": "/init"}, "rootfs": {"type": "layers", "diff_ids": []}})");
  CHECK(c.config.cmd == std::vector<std::string>{"nginx"});
  CHECK(c.config.entrypoint == std::vector<std::string>{"/init"});
}

TEST_CASE("image config errors name the field", "[oci]") {
  auto err = [](const std::string& text) { return error_of([&] { parse_image_config(text); }); };
  const std::string rootfs = R"("rootfs": {"type": "layers", "diff_ids": []})";
  CHECK(err("{") == "invalid image config: the document is not valid JSON");
  CHECK(err("{}") == "invalid image config: no rootfs");
  CHECK(err(R"({"rootfs": {"type": "foo"}})") == "invalid image config: rootfs.type is \"foo\", expected \"layers\"");
  CHECK(err(R"({"rootfs": {"type": "layers", "diff_ids": ["sha256:00"]}})") ==
        "invalid image config: rootfs.diff_ids[0] is not a sha256 digest: \"sha256:00\"");
  CHECK(err(R"({"config": {"Env": [1]}, )" + rootfs + "}") ==
        "invalid image config: config.Env is not a list of strings");
  CHECK(err(R"({"config": {"ExposedPorts": ["80/tcp"]}, )" + rootfs + "}") ==
        "invalid image config: config.ExposedPorts is not an object");
  CHECK(err(R"({"config": {"Healthcheck": {"Interval": "30s"}}, )" + rootfs + "}") ==
        "invalid image config: config.Healthcheck.Interval is not an integer");
  CHECK(err(R"({"config": {"Labels": {"a": 1}}, )" + rootfs + "}") ==
        "invalid image config: config.Labels.a is not a string");
  CHECK(err(R"({"history": [{"empty_layer": "yes"}], )" + rootfs + "}") ==
        "invalid image config: history[0].empty_layer is not a boolean");
  CHECK(err(R"({"os": 1, )" + rootfs + "}") == "invalid image config: os is not a string");
}

TEST_CASE("a serialized image config parses back to the same config", "[oci]") {
  ImageConfig c = parse_image_config(kNginxConfig);
  CHECK(parse_image_config(serialize_image_config(c)) == c);
  // Healthcheck ["NONE"] (disabled) and an empty one survive too; an absent one stays absent.
  c.config.healthcheck = HealthConfig{{"NONE"}, 0, 0, 0, 0, 0};
  CHECK(parse_image_config(serialize_image_config(c)) == c);
  c.config.healthcheck = HealthConfig{};
  CHECK(parse_image_config(serialize_image_config(c)) == c);
  ImageConfig empty;
  CHECK(parse_image_config(serialize_image_config(empty)) == empty);
}

TEST_CASE("an image config serializes with Docker's names and sets as objects", "[oci]") {
  ImageConfig c;
  c.created = "2024-01-02T03:04:05Z";
  c.config.cmd = {"sh"};
  c.config.exposed_ports = {"53/udp", "80/tcp"};
  c.config.volumes = {"/data"};
  c.config.healthcheck = HealthConfig{{"CMD", "true"}, 1'000'000'000, 0, 0, 0, 2};
  c.diff_ids = {dg('d')};
  c.history = {{"2024-01-02T03:04:05Z", "import", "", false}};
  CHECK(serialize_image_config(c) ==
        with_digests(R"({"architecture":"amd64","config":{"Cmd":["sh"],"ExposedPorts":{"53/udp":{},"80/tcp":{}},)"
                     R"("Healthcheck":{"Interval":1000000000,"Retries":2,"Test":["CMD","true"]},)"
                     R"("Volumes":{"/data":{}}},"created":"2024-01-02T03:04:05Z",)"
                     R"("history":[{"created":"2024-01-02T03:04:05Z","created_by":"import"}],"os":"linux",)"
                     R"("rootfs":{"diff_ids":["%d%"],"type":"layers"}})"));
}
