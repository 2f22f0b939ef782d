#!/bin/sh
# Builds the scanner's test corpus: 1280x720 grey camera frames of a phone
# screen showing a QR code, by category, with the qrencode tool and
# ImageMagick. Deterministic (fixed seeds), so a detection rate that moves
# means the decoder moved.
#
#   make_corpus.sh OUTDIR [N]      N frames per category (default 8)
#
# Writes OUTDIR/<category>-<i>.png and OUTDIR/manifest.tsv with lines
# `category<TAB>file<TAB>expected payload` ("-" when the frame has no code).
# Exits 77 when qrencode or ImageMagick's convert is missing.
set -eu
OUT=${1:?usage: make_corpus.sh OUTDIR [N]}
N=${2:-8}
command -v qrencode >/dev/null 2>&1 || { echo "qrencode missing" >&2; exit 77; }
command -v convert >/dev/null 2>&1 || { echo "convert missing" >&2; exit 77; }
mkdir -p "$OUT"
MAN="$OUT/manifest.tsv"

# Grey 8-bit PNG out, whatever the operations before produced.
GREY="-colorspace Gray -depth 8 -define png:color-type=0"

# A member code of realistic length: the signature is 86 base64url characters
# (hex is a subset), derived from the index so the corpus is reproducible.
member_code() { # $1 index
  sig=$(printf 'corpus-%s' "$1" | sha512sum | cut -c1-86)
  id=$(printf 'M%05d' "$(( $1 * 7919 % 100000 ))")
  tiers="standard silver gold diamond"
  tier=$(echo $tiers | cut -d' ' -f$(( $1 % 4 + 1 )))
  printf 'KM1.%s.%s.%d.%d.%s' "$id" "$tier" "$(( $1 * 3571 % 200000 ))" \
    "$(( 1760000000 + $1 * 61 ))" "$sig"
}

other_payload() { # $1 index: codes a member might show by mistake
  case $(( $1 % 6 )) in
  0) printf 'https://mall.example.com/promo?id=%d' "$1" ;;
  1) printf 'wxp://f2f0%s' "$(printf 'pay%s' "$1" | sha256sum | cut -c1-28)" ;;
  2) printf 'https://qr.alipay.com/fkx%s' "$(printf 'ali%s' "$1" | sha256sum | cut -c1-20)" ;;
  3) printf '会员中心 %d 号' "$1" ;;
  4) printf 'WIFI:S:Mall-Guest;T:WPA;P:shop%04d;;' "$1" ;;
  5) printf 'KM2.%d.not.ours' "$1" ;;
  esac
}

# The scene around the code: a grey wall with light falling off.
BG="-size 1280x720 gradient:gray70-gray35"

# frame CATEGORY I PAYLOAD CODE_OPS FRAME_OPS [SCALE [SCENE]]: renders
# PAYLOAD as a QR (8-bit, EC M: what the app shows), applies CODE_OPS to the
# code image, lays it on SCENE at an offset, then applies FRAME_OPS to the
# whole frame. The ops are shell words (eval'd), so quote arguments inside.
frame() {
  cat=$1 i=$2 payload=$3 code_ops=$4 frame_ops=$5 scale=${6:-5} scene=${7:-$BG}
  f="$OUT/$cat-$i.png"
  printf '%s' "$payload" | qrencode -8 -l M -s "$scale" -m 4 -o "$TMP/q.png"
  dx=$(( (i * 137) % 400 - 200 )) dy=$(( (i * 71) % 200 - 100 ))
  eval "convert -seed $(( i + 1 )) $scene '(' '$TMP/q.png' -alpha set $code_ops ')' \
    -gravity center -geometry '+$dx+$dy' -composite $frame_ops $GREY '$f'"
  printf '%s\t%s\t%s\n' "$cat" "$f" "$payload" >>"$MAN"
}

# A frame without any code (what the camera sees most of the day).
empty() { # I SCENE FRAME_OPS
  f="$OUT/nocode-$1.png"
  eval "convert -seed $(( $1 + 1 )) $2 $3 $GREY '$f'"
  printf 'nocode\t%s\t-\n' "$f" >>"$MAN"
}

# Clutter behind the phone: a seeded fractal, softened into shop-like shapes.
CLUTTER="-size 1280x720 plasma:fractal -blur 0x3 -colorspace Gray -auto-level"
HAND="-fill gray62 -draw 'ellipse 640,760 300,190 0,360'"
# The phone around its screen: white screen margin, then a black body.
PHONE="-bordercolor gray94 -border 30 -bordercolor gray8 -border 22"

# Two workers (the machine has two cores), each on every second index.
work() { # FIRST
i=$1
TMP="$OUT/.tmp$1"
MAN="$TMP/manifest"
mkdir -p "$TMP"
: >"$MAN"
while [ "$i" -lt "$N" ]; do
  code=$(member_code "$i")
  frame clean "$i" "$code" "" "" $(( 4 + i % 5 ))
  # 2.6 to 3 pixels a module: a phone held at arm's length.
  frame small "$i" "$code" "-resize $(( 88 + i % 4 * 4 ))%" "" 3
  frame rotated "$i" "$code" "-background none -rotate $(( 15 + i * 41 % 330 ))" ""
  t=$(( 40 + i % 4 * 15 ))
  frame perspective "$i" "$code" "-virtual-pixel transparent -distort Perspective \
'0,0 $t,$(( t / 2 ))  456,0 $(( 456 - t )),0  0,456 0,456  456,456 456,$(( 456 - t / 2 ))'" "" 6
  frame blurred "$i" "$code" "" "-blur 0x$(( 1 + i % 4 / 2 )).$(( i % 2 * 5 + 2 ))" 5
  frame noisy "$i" "$code" "" "-attenuate 1.$(( i % 4 * 3 )) +noise Gaussian" 5
  lo=$(( 40 + i % 4 * 2 )) hi=$(( 60 - i % 4 * 2 ))
  frame lowcontrast "$i" "$code" "+level $lo%,$hi%" "" 5
  frame glare "$i" "$code" "" "'(' -size 300x300 radial-gradient:white-none ')' -gravity center \
-geometry +$(( i * 37 % 160 - 80 ))+$(( i * 23 % 120 - 60 )) -compose screen -composite" 5
  frame inverted "$i" "$code" "-negate" "" $(( 4 + i % 3 ))
  frame background "$i" "$code" "$PHONE -background none -rotate $(( i * 7 % 24 - 12 ))" \
    "$HAND -attenuate 0.6 +noise Gaussian" 3 "$CLUTTER"
  other=$(other_payload "$i")
  frame nonmember "$i" "$other" "" "" $(( 3 + i % 4 ))
  case $(( i % 4 )) in
  0) empty "$i" "$BG" "" ;;
  1) empty "$i" "$BG" "-attenuate 1.5 +noise Gaussian" ;;
  2) empty "$i" "$CLUTTER" "$HAND -attenuate 0.6 +noise Gaussian" ;;
  3) empty "$i" "$CLUTTER" "-fill gray8 -draw 'roundrectangle 500,120 780,640 30,30' \
-fill gray94 -draw 'rectangle 522,160 758,600' -attenuate 0.8 +noise Gaussian" ;;
  esac
  i=$(( i + 2 ))
done
}
work 0 &
w0=$!
work 1 &
w1=$!
wait "$w0" || exit 1
wait "$w1" || exit 1
sort -t "$(printf '\t')" -k1,1 -k2,2V "$OUT/.tmp0/manifest" "$OUT/.tmp1/manifest" >"$MAN"
rm -rf "$OUT/.tmp0" "$OUT/.tmp1"
