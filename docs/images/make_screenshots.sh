#!/bin/sh
# Regenerates every screenshot the README and docs/ show, with `snapshot`
# (offscreen: no display needed). Usage, from the repository root after a build:
#   docs/images/make_screenshots.sh [build/ui/resnext-explorer] [--slow]
# --slow also remakes the two pictures that measure or analyse for minutes
# (Cost: the equal-complexity timing sweep; Groups: 1,000 test images).
# resources/screenshots/*-before.png are history (commit caae215) and
# experiment-cardinality.png is a training run's plot
# (docs/experiments-and-groups.md): neither is remade here.
set -eu
exe=build/ui/resnext-explorer
slow=0
for a in "$@"; do
  case "$a" in
    --slow) slow=1 ;;
    *) exe=$a ;;
  esac
done
export QT_QPA_PLATFORM=offscreen
shots=resources/screenshots
snap() { LANG=${SNAP_LANG:-C.UTF-8} "$exe" snapshot "$@"; }

# The README's window and the docs' panels (a 1600x1000 window).
snap --preset resnext50_32x4d --size 1600x1000 --out $shots/window.png
snap --preset resnext50_32x4d --size 1600x1000 --panel architecture --out $shots/architecture.png
snap --preset resnext50_32x4d --size 1600x1000 --panel complexity --out $shots/complexity.png
snap --preset resnext50_32x4d --size 1600x1000 --panel charts --out $shots/charts.png
snap --preset resnext50_32x4d --cardinality 8 --width 14 --size 1600x1000 --panel block --out $shots/block-8x14d.png
snap --preset resnext50_32x4d --size 1600x1000 --panel layers --out $shots/layers.png
snap --preset resnext50_32x4d --size 1600x1000 --panel train --out $shots/train.png
snap --preset resnext50_32x4d --size 1600x1000 --panel classify \
     --image sample_images/fmnist-test00004-shirt.png --out $shots/classify.png
snap --preset resnext50_32x4d --size 1600x1000 --video sample_images/sample_clip.avi --video-frames 100 \
     --out $shots/video.png
# The same window on a 1280x720 screen.
snap --preset resnext50_32x4d --size 1280x720 --out $shots/window-1280x720.png
snap --preset resnext50_32x4d --size 1280x720 --panel classify --out $shots/classify-1280x720.png
snap --preset resnext50_32x4d --size 1280x720 --panel train --out $shots/train-1280x720.png
# The lesson in both languages (README, docs/lesson.md).
snap --preset resnext50_32x4d --panel lesson --size 1280x720 --out docs/images/lesson-en.png
SNAP_LANG=vi_VN.UTF-8 snap --preset resnext50_32x4d --panel lesson --size 1280x720 --out docs/images/lesson-vi.png
# The Paper tab (docs/presenting.md): the window at 1280x720, and Table 1 as a slide.
snap --preset resnext50_32x4d --size 1280x720 --panel paper --out docs/images/paper-tab-1280x720.png
snap --preset resnext50_32x4d --panel paper-table1 --size 1920x1080 --out docs/images/paper-table1.png
if [ "$slow" = 1 ]; then
  snap --preset resnext50_32x4d --panel cost --size 1400x1000 --out $shots/cost-sweep.png
  snap --preset resnext50_32x4d --panel groups --size 1600x1000 --out $shots/groups-tab.png
fi
