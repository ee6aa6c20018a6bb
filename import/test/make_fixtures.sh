#!/usr/bin/env bash
# Builds the synthetic .msu files the import tests read, from the text sources in fixtures/, with
# Debian's own archivers: gcab writes the cabinets (cab-in-cab included) and `wimlib-imagex
# capture` the WIMs. Nothing binary is committed; CTest runs this once as a fixture setup.
#
#   make_fixtures.sh OUT_DIR
#
# Layouts follow windows-servicing-facts.md §1.1 (classic) and §1.2 (24H2+ WIM). Payload files
# (.psf, the inner .wim, DesktopDeployment.cab, the SSU cabinet) are small stand-ins: the importer
# lists them and never reads them. gcab writes MSZIP or uncompressed cabinets only, so these
# fixtures never exercise libmspack's LZX decoder, which real Microsoft cabinets use.
set -euo pipefail

if (($# != 1)); then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
sources="$(cd "$(dirname "$0")/fixtures" && pwd)"
rm -rf "$1"
mkdir -p "$1"
out="$(cd "$1" && pwd)"  # absolute: some steps below run in other folders
mkdir -p "$out"/{wim,classic,kb5086672,hostile}
work="$(mktemp -d "$out/work.XXXXXX")"

# cab OUT.cab FILE...: an MSZIP cabinet of FILEs stored under their base names.
cab() {
  local target="$1"
  shift
  gcab --create --zip --nopath "$target" "$@"
}

# a small stand-in cabinet holding one text file.
stand_in_cab() {
  local target="$1" text="$2" folder
  folder="$(mktemp -d "$work/stand-in.XXXXXX")"
  printf '%s\n' "$text" >"$folder/readme.txt"
  cab "$target" "$folder/readme.txt"
}

# aggregated_metadata OUT.cab FILE...: onepackage.AggregatedMetadata.cab, each CompDB XML in
# its own .xml.cab, other files (a JSON manifest) as they are.
aggregated_metadata() {
  local target="$1" folder
  shift
  folder="$(mktemp -d "$work/metadata.XXXXXX")"
  for file in "$@"; do
    case "$file" in
      *.xml) cab "$folder/$(basename "$file").cab" "$file" ;;
      *) cp "$file" "$folder/" ;;
    esac
  done
  cab "$target" "$folder"/*
}

# wim_msu OUT.msu KB METADATA_CAB [SSU_CAB_NAME]: the 24H2+ layout around a prepared
# onepackage.AggregatedMetadata.cab.
wim_msu() {
  local target="$1" kb="$2" metadata="$3" ssu="${4:-}" root
  root="$(mktemp -d "$work/wim.XXXXXX")"
  cp "$metadata" "$root/onepackage.AggregatedMetadata.cab"
  stand_in_cab "$root/DesktopDeployment.cab" "DesktopDeployment stand-in"
  stand_in_cab "$root/wsusscan.cab" "wsusscan stand-in"
  printf 'PSFX payload stand-in of %s\n' "$kb" >"$root/Windows11.0-$kb-x64.psf"
  printf 'package manifests stand-in of %s\n' "$kb" >"$root/Windows11.0-$kb-x64.wim"
  if [[ -n "$ssu" ]]; then
    stand_in_cab "$root/$ssu" "servicing stack stand-in"
  fi
  wimlib-imagex capture "$root" "$target" "$kb" --compress=LZX >/dev/null
}

# The KB5086672 set (windows-servicing-facts.md §3.5): the checkpoint KB5043080 (26100.1742) and
# the out-of-band LCU KB5086672 (26100.8117, baseline 1742) with the servicing stack 8115.
compdb="$sources/compdb"
aggregated_metadata "$work/kb5043080.cab" "$compdb/LCUCompDB_KB5043080.xml"
wim_msu "$out/kb5086672/windows11.0-kb5043080-x64.msu" KB5043080 "$work/kb5043080.cab"
aggregated_metadata "$work/kb5086672.cab" "$compdb/LCUCompDB_KB5086672.xml" \
  "$compdb/SSUCompDB_KB5086672.xml"
wim_msu "$out/kb5086672/windows11.0-kb5086672-x64.msu" KB5086672 "$work/kb5086672.cab" \
  SSU-26100.8115-x64.cab

# One of each kind: a checkpoint CU alone, an LCU with a bundled SSU (beside a Type="Build" model
# CompDB and a JSON manifest, both skipped), an SSU-only .msu.
cp "$out/kb5086672/windows11.0-kb5043080-x64.msu" "$out/wim/"
aggregated_metadata "$work/kb5094126.cab" "$compdb/LCUCompDB_KB5094126.xml" \
  "$compdb/SSUCompDB_KB5094126.xml" "$compdb/DesktopTargetCompDB_Neutral.xml" \
  "$compdb/Manifest_KB5094126.json"
wim_msu "$out/wim/windows11.0-kb5094126-x64.msu" KB5094126 "$work/kb5094126.cab" \
  SSU-26100.8240-x64.cab
aggregated_metadata "$work/kb5095000.cab" "$compdb/SSUCompDB_KB5095000.xml"
wim_msu "$out/wim/windows11.0-kb5095000-x64.msu" KB5095000 "$work/kb5095000.cab" \
  SSU-26100.8250-x64.cab

# The classic layout: a Windows 10 combined SSU + LCU (KB5035845, §1.1). pkgProperties.txt is
# UTF-16LE with a byte-order mark and CRLF line ends, as Microsoft writes it.
classic="$sources/classic"
root="$(mktemp -d "$work/classic.XXXXXX")"
classic_root="$root"
kb=Windows10.0-KB5035845-x64
{ printf '\xff\xfe'; sed 's/$/\r/' "$classic/$kb-pkgProperties.txt" | iconv -f UTF-8 -t UTF-16LE; } \
  >"$root/$kb-pkgProperties.txt"
cp "$classic/$kb.xml" "$root/$kb.xml"
inner="$(mktemp -d "$work/inner.XXXXXX")"
cp "$classic/update.mum" "$inner/update.mum"
printf 'component manifest stand-in\n' >"$inner/amd64_microsoft-windows-stand-in.manifest"
cab "$root/$kb.cab" "$inner/update.mum" "$inner/amd64_microsoft-windows-stand-in.manifest"
ssu="$(mktemp -d "$work/ssu.XXXXXX")"
cp "$classic/ssu-update.mum" "$ssu/update.mum"
cab "$root/SSU-19041.4163-x64.cab" "$ssu/update.mum"
stand_in_cab "$root/WSUSSCAN.cab" "wsusscan stand-in"
cab "$out/classic/windows10.0-kb5035845-x64.msu" "$root"/*

# ---- hostile input: each must be refused with one line naming the file (exit 2) -----------
hostile="$out/hostile"
lcu="$out/kb5086672/windows11.0-kb5086672-x64.msu"
msu_classic="$out/classic/windows10.0-kb5035845-x64.msu"

# Truncated: half of each layout.
head -c "$(($(stat -c %s "$lcu") / 2))" "$lcu" >"$hostile/truncated-wim.msu"
head -c "$(($(stat -c %s "$msu_classic") / 2))" "$msu_classic" >"$hostile/truncated-cab.msu"
# Not an .msu at all, and nothing at all.
printf 'PK\003\004 a zip file, not an msu\n' >"$hostile/not-an-msu.msu"
: >"$hostile/empty.msu"

# A name that climbs out with "..\": gcab refuses to write one, so a same-length name is patched
# in afterwards (a cabinet's file names carry no checksum). Once in the classic cabinet, once in
# the WIM's metadata cabinet.
root="$(mktemp -d "$work/dotdot.XXXXXX")"
mkdir -p "$root/aa"
cp "$classic_root"/* "$root/"
printf 'escaped\n' >"$root/aa/escape.txt"
(cd "$root" && gcab --create --zip "$work/dotdot-classic.cab" -- *.txt *.xml *.cab aa/escape.txt)
perl -0777 -pe 's/aa\\escape\.txt/..\\escape.txt/' "$work/dotdot-classic.cab" >"$hostile/dotdot-classic.msu"
folder="$(mktemp -d "$work/dotdot-metadata.XXXXXX")"
mkdir -p "$folder/aa"
cab "$folder/aa/escape.xml.cab" "$compdb/LCUCompDB_KB5086672.xml"
(cd "$folder" && gcab --create --zip "$work/dotdot-metadata.cab" aa/escape.xml.cab)
perl -0777 -pe 's/aa\\escape\.xml\.cab/..\\escape.xml.cab/' "$work/dotdot-metadata.cab" \
  >"$work/dotdot-metadata-patched.cab"
wim_msu "$hostile/dotdot-wim.msu" KB5086672 "$work/dotdot-metadata-patched.cab"

# A huge declared size: the classic pkgProperties.txt entry claims 0xFFFFFF00 bytes (CFFILE's
# cbFile is the 4 bytes 16 before the name).
perl -0777 -pe 's/.{4}(.{12}Windows10\.0-KB5035845-x64-pkgProperties\.txt)/\x00\xff\xff\xff$1/s' \
  "$msu_classic" >"$hostile/huge-size.msu"

# A huge declared size inside the WIM: the blob table entry of onepackage.AggregatedMetadata.cab
# claims 1,000,000,000 bytes. The cabinet is stored uncompressed so that LZX compresses it (a
# blob stored raw must have equal sizes, which wimlib checks before anyone asks).
folder="$(mktemp -d "$work/huge-wim.XXXXXX")"
cp "$compdb/LCUCompDB_KB5086672.xml" "$folder/"
gcab --create --nopath "$folder/onepackage.AggregatedMetadata.cab" "$folder/LCUCompDB_KB5086672.xml"
wim_msu "$work/huge-size-wim.msu" KB5086672 "$folder/onepackage.AggregatedMetadata.cab"
sha1="$(sha1sum "$folder/onepackage.AggregatedMetadata.cab" | cut -c1-40)"
# A blob table entry is 50 bytes: a resource header (size in the WIM 7, flags 1, offset 8,
# uncompressed size 8), part number 2, reference count 4, SHA-1 20. The table's own resource
# header is at byte 0x30 of the WIM header.
perl -0777 -e '
  my ($sha1, $size) = (pack("H*", $ARGV[0]), $ARGV[1]);
  local $/; my $wim = <STDIN>;
  my (undef, $offset, $length) = unpack("a8 Q< Q<", substr($wim, 0x30, 24));
  my $patched = 0;
  for (my $entry = $offset; $entry + 50 <= $offset + $length; $entry += 50) {
    next unless substr($wim, $entry + 30, 20) eq $sha1;
    substr($wim, $entry + 16, 8) = pack("Q<", $size);
    ++$patched;
  }
  die "make_fixtures: no blob table entry to patch\n" unless $patched == 1;
  print $wim;' "$sha1" 1000000000 <"$work/huge-size-wim.msu" >"$hostile/huge-size-wim.msu"

# A cab-in-cab loop, as far as a file can hold one: the same .xml.cab inside itself, six deep.
nested="$work/loop-0.xml"
cp "$compdb/LCUCompDB_KB5086672.xml" "$nested"
for level in 1 2 3 4 5 6; do
  folder="$(mktemp -d "$work/loop.XXXXXX")"
  cab "$folder/LCUCompDB_KB5086672.xml.cab" "$nested"
  nested="$folder/LCUCompDB_KB5086672.xml.cab"
done
cab "$work/loop-metadata.cab" "$nested"
wim_msu "$hostile/cab-loop.msu" KB5086672 "$work/loop-metadata.cab"

# XML bombs: billion laughs (with an external entity) and elements nested 10,000 deep.
folder="$(mktemp -d "$work/bomb.XXXXXX")"
cp "$sources/hostile/billion-laughs.xml" "$folder/LCUCompDB_KB5086672.xml"
aggregated_metadata "$work/bomb-metadata.cab" "$folder/LCUCompDB_KB5086672.xml"
wim_msu "$hostile/billion-laughs.msu" KB5086672 "$work/bomb-metadata.cab"
folder="$(mktemp -d "$work/deep.XXXXXX")"
{
  printf '<CompDB Type="BuildUpdate" xmlns="http://schemas.microsoft.com/embedded/2004/10/ImageUpdate">'
  for ((level = 0; level < 10000; ++level)); do printf '<Features>'; done
  for ((level = 0; level < 10000; ++level)); do printf '</Features>'; done
  printf '</CompDB>\n'
} >"$folder/LCUCompDB_KB5086672.xml"
aggregated_metadata "$work/deep-metadata.cab" "$folder/LCUCompDB_KB5086672.xml"
wim_msu "$hostile/deep-nesting.msu" KB5086672 "$work/deep-metadata.cab"

# Files that disagree: the checkpoint from another branch of @TargetBuildInfo than the LCU.
mkdir -p "$hostile/two-branches"
folder="$(mktemp -d "$work/branch.XXXXXX")"
sed 's/ge_release_svc_prod1\./ge_release_svc_prod2./' "$compdb/LCUCompDB_KB5043080.xml" \
  >"$folder/LCUCompDB_KB5043080.xml"
aggregated_metadata "$work/branch-metadata.cab" "$folder/LCUCompDB_KB5043080.xml"
wim_msu "$hostile/two-branches/windows11.0-kb5043080-x64.msu" KB5043080 "$work/branch-metadata.cab"
cp "$lcu" "$hostile/two-branches/"

rm -rf "$work"
echo "make_fixtures: wrote $(find "$out" -name '*.msu' | wc -l) .msu files under $out"
