# shellcheck shell=bash
# The steps of cross/setup that decide what the build root, the sysroot and the Swift SDK contain.
# Sourced by cross/setup. This file and cross/packages-*.txt make the cache key: change either and
# the next cross/setup builds a new root (the driver, cross/setup itself, can change freely).

debootstrap_root() {
  # A partial root from an interrupted run: remove it (safely) and start again.
  [ -e "$ROOT" ] && safe_rm "$ROOT"
  rm -f "$KEYDIR"/.done-*
  # In a private mount namespace: debootstrap's own mounts of proc/sys vanish with it.
  unshare --mount --propagation private -- \
    debootstrap --variant=minbase --arch=amd64 --cache-dir="$CACHE/debs/debootstrap" \
      --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
      "$SUITE" "$ROOT" "$MIRROR"
  cat > "$ROOT/etc/apt/sources.list" <<EOS
deb [arch=amd64] $MIRROR $SUITE main
deb [arch=amd64] $MIRROR $SUITE-updates main
deb [arch=amd64] $SECURITY_MIRROR $SUITE-security main
EOS
  # no daemons start inside the root; no docs or man pages
  printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"; chmod +x "$ROOT/usr/sbin/policy-rc.d"
  cat > "$ROOT/etc/dpkg/dpkg.cfg.d/01-nodoc" <<'EOS'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
EOS
  echo 'APT::Keep-Downloaded-Packages "true";' > "$ROOT/etc/apt/apt.conf.d/01-keep-debs"
  rm -f "$ROOT/etc/apt/apt.conf.d/docker-clean"
}

buildroot_packages() {
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  local pkgs; pkgs=$(read_pkgs "$CROSS_DIR/packages-buildroot.txt")
  # shellcheck disable=SC2086
  in_root --debs -- bash -ec "apt-get update; apt-get install -y --no-install-recommends $pkgs"
  refresh_gitconfig
  in_root -- swift --version | tee "$KEYDIR/swift-version"
  grep -q '^Swift version 6\.' "$KEYDIR/swift-version"
}

sysroot() {
  local pkgs; pkgs=$(read_pkgs "$CROSS_DIR/packages-sysroot.txt")
  local A=/opt/sr-apt
  mkdir -p "$ROOT$A/lists/partial" "$ROOT$A/cache"
  : > "$ROOT$A/status"
  cat > "$ROOT$A/apt.conf" <<EOS
APT::Architecture "arm64";
APT::Architectures { "arm64"; };
Dir::State::status "$A/status";
Dir::State::Lists "$A/lists";
Dir::Cache "$A/cache";
Dir::Cache::Archives "$A/archives";
Dir::Etc::SourceList "$A/sources.list";
Dir::Etc::SourceParts "/nonexistent";
APT::Install-Recommends "false";
APT::Keep-Downloaded-Packages "true";
Debug::NoLocking "true";
EOS
  cat > "$ROOT$A/sources.list" <<EOS
deb [arch=arm64] $MIRROR $SUITE main
deb [arch=arm64] $MIRROR $SUITE-updates main
deb [arch=arm64] $SECURITY_MIRROR $SUITE-security main
EOS
  # The unpacking runs inside the root (trixie's apt, dpkg and keyring).
  cat > "$ROOT$A/make-sysroot.sh" <<'EOS'
#!/bin/bash
# Written by cross/setup. Env: PKGS (arm64 packages), SR (sysroot path), APT_CONFIG.
set -euo pipefail
A=/opt/sr-apt
apt-get update
# An empty dpkg status: apt resolves the whole arm64 closure (libc6, libgcc-s1, libssl3t64, ...).
# The .deb names of that closure, from the simulation: NAME_VERSION_ARCH.deb (':' as %3a).
debs=$(apt-get -s -q install $PKGS | sed -nE 's/^Inst ([^ ]+) \(([^ ]+) .*\[([a-z0-9]+)\]\).*/\1_\2_\3.deb/p' | sed 's/:/%3a/g')
[ -n "$debs" ] || { echo "apt resolved no arm64 packages for: $PKGS" >&2; exit 1; }
apt-get -y -q -d install $PKGS
# swiftlang:arm64 carries the aarch64 .swiftmodule files, swiftrt.o, glibc.modulemap and
# lib/swift_static/*.a (libswiftlang:arm64 only the .so files). Only lib/ is kept from it.
ver=$(apt-cache policy swiftlang | sed -nE 's/^ *Candidate: (.*)$/\1/p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || { echo "swiftlang:arm64 is not in the arm64 package lists" >&2; exit 1; }
sdeb=$A/archives/swiftlang_${ver//:/%3a}_arm64.deb
[ -s "$sdeb" ] || (cd $A/archives && apt-get -q download "swiftlang=$ver")
rm -rf "$SR.new"; mkdir -p "$SR.new"
n=0
for f in $debs; do
  [ -s "$A/archives/$f" ] || { echo "missing download: $A/archives/$f" >&2; exit 1; }
  dpkg -x "$A/archives/$f" "$SR.new"; n=$((n+1))
done
dpkg-deb --fsys-tarfile "$sdeb" | tar -x -C "$SR.new" --wildcards \
  './usr/libexec/swift/lib/swift/*' './usr/libexec/swift/lib/swift_static/*' './usr/libexec/swift/lib/clang/*'
rm -rf "$SR.new"/usr/libexec/swift/lib/swift/embedded "$SR.new"/usr/libexec/swift/lib/swift_static/embedded \
       "$SR.new"/usr/libexec/swift/lib/swift/host "$SR.new"/usr/share/doc "$SR.new"/usr/share/man
# merged /usr: the libc.so linker script and PT_INTERP name /lib/...
cd "$SR.new"
for d in lib bin sbin; do
  if [ -d $d ] && [ ! -L $d ]; then mkdir -p usr/$d; cp -a $d/. usr/$d/; rm -rf $d; fi
  mkdir -p usr/$d; ln -sfn usr/$d $d
done
# silences "warning: Could not read SDKSettings.json" (it needs Version and VersionMap)
echo '{"Version":"13.0","CanonicalName":"debian13-arm64","VersionMap":{"macOS_iOSMac":{},"iOSMac_macOS":{}}}' > SDKSettings.json
cd /
rm -rf "$SR"; mv "$SR.new" "$SR"
echo "sysroot: $(du -sh "$SR" | cut -f1), $n packages + swiftlang:arm64 $ver (Swift modules and static libraries)"
EOS
  in_root --debs --env APT_CONFIG=$A/apt.conf --env "PKGS=$pkgs" --env "SR=$SR_IN_ROOT" -- bash $A/make-sysroot.sh
  for f in "$SYSROOT/lib/ld-linux-aarch64.so.1" "$SYSROOT/usr/lib/aarch64-linux-gnu/libc.so" \
           "$SYSROOT/usr/libexec/swift/lib/swift/linux/libswiftCore.so" \
           "$SYSROOT/usr/libexec/swift/lib/swift_static/linux/static-stdlib-args.lnk" \
           "$SYSROOT/usr/lib/aarch64-linux-gnu/libcrypto.so"; do
    [ -e "$f" ] || { echo "sysroot incomplete: $f is missing" >&2; exit 1; }
  done
}

swift_sdk() {
  local B=/opt/kdelta-sdk/$SDK_NAME.artifactbundle
  rm -rf "$ROOT$B"; mkdir -p "$ROOT$B/$SDK_NAME"
  ln -s "$SR_IN_ROOT" "$ROOT$B/$SDK_NAME/sysroot"
  cat > "$ROOT$B/info.json" <<EOS
{ "schemaVersion": "1.0",
  "artifacts": { "$SDK_NAME": { "type": "swiftSDK", "version": "6.0.3",
                 "variants": [ { "path": "$SDK_NAME" } ] } } }
EOS
  cat > "$ROOT$B/$SDK_NAME/swift-sdk.json" <<EOS
{ "schemaVersion": "4.0",
  "targetTriples": { "$TARGET_TRIPLE": {
      "sdkRootPath": "sysroot",
      "swiftResourcesPath": "sysroot/usr/libexec/swift/lib/swift",
      "swiftStaticResourcesPath": "sysroot/usr/libexec/swift/lib/swift_static",
      "toolsetPaths": ["toolset.json"] } } }
EOS
  # lld from the swiftlang toolchain; no rpath to the build machine's toolchain, but the Pi's
  # own Swift runtime folder (used only by dynamically linked binaries such as test bundles).
  cat > "$ROOT$B/$SDK_NAME/toolset.json" <<EOS
{ "schemaVersion": "1.0",
  "rootPath": "/usr/libexec/swift/bin",
  "swiftCompiler": { "extraCLIOptions": ["-use-ld=lld", "-no-toolchain-stdlib-rpath",
      "-Xlinker", "-rpath", "-Xlinker", "$SWIFT_RUNTIME_DIR"] },
  "cCompiler": { "extraCLIOptions": ["-fPIC"] },
  "cxxCompiler": { "extraCLIOptions": ["-fPIC"] } }
EOS
  in_root -- bash -ec "swift sdk remove $SDK_NAME >/dev/null 2>&1 || true; swift sdk install $B; swift sdk list"
  in_root -- swift sdk list | grep -qx "$SDK_NAME"
}
