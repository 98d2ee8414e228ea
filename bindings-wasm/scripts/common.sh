# Sourced by build.sh and test.sh: logging and Debian package installs.

log() { echo "$(basename "$0"): $*" >&2; }

# Installs Debian packages as root (directly, or through sudo for a normal user).
apt_install() {
    log "installing Debian packages: $*"
    local sudo=()
    if [[ $(id -u) != 0 ]]; then sudo=(sudo); fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
