#!/usr/bin/env bash
# Pictures of the Word document `nianbao export` writes, for the README: a seed report converted to
# the Markdown draft, exported to .docx, laid out by LibreOffice (PDF) and drawn page by page (PNG).
# Needs soffice (Debian libreoffice-writer-nogui), pdftoppm (poppler-utils) and a CJK font
# (fonts-wqy-zenhei); CI does not run it.  Usage: bash docs/export-preview.sh [SEED.txt]
set -euo pipefail
cd "$(dirname "$0")/.."
seed="${1:-$(ls ../shared/seeds/000_*.txt 2>/dev/null || ls /work/shared/seeds/000_*.txt)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --quiet --release
target/release/nianbao convert "$seed" -o "$work/报告.md"
target/release/nianbao export "$work/报告.md" -o "$work/报告.docx"
soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf --outdir "$work" "$work/报告.docx" >/dev/null
pdftoppm -png -r 60 "$work/报告.pdf" "$work/page"
mkdir -p docs/images
cp "$work/page-1.png" docs/images/export-page1.png
cp "$work/page-4.png" docs/images/export-page4.png
ls "$work"/page-*.png | wc -l | xargs echo "pages:"
