#!/usr/bin/env bash
# Fetch real images for the benchmarks into benchmarks/data/ (git-ignored), from Debian's package archive:
#   pngs/    ~6,900 clip-art PNGs (openclipart-png, public domain)
#   photos/  25 JPEG photographs, 1.3 to 24 megapixels (the MATE, UKUI and Lomiri wallpaper packages)
# Needs apt-get (Debian or Ubuntu); any other folders of images can be passed to the benchmarks instead.
set -euo pipefail
data="$(cd "$(dirname "$0")" && pwd)/data"
mkdir -p "$data/debs" "$data/pngs" "$data/photos"
cd "$data/debs"
apt-get download -q openclipart-png mate-backgrounds ukui-wallpapers lomiri-wallpapers-20.04
for deb in *.deb; do dpkg-deb -x "$deb" "$data/extracted"; done
find "$data/extracted/usr/share/openclipart" -name '*.png' -exec cp -n {} "$data/pngs/" \;
find "$data/extracted/usr/share/backgrounds" -iname '*.jp*g' -exec cp -n {} "$data/photos/" \;
rm -rf "$data/extracted"
echo "$(ls "$data/pngs" | wc -l) PNGs in $data/pngs, $(ls "$data/photos" | wc -l) photos in $data/photos"
