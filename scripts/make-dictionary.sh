#!/bin/sh
# Writes src/confidence/dictionaries/<lang>.txt.gz: the word list of Tesseract's own model for the
# language (the LSTM word DAWG of Debian's tesseract-ocr-<lang>, tessdata_fast, Apache-2.0), letters
# only, three letters or more, lower case, one a line. Needs combine_tessdata and dawg2wordlist
# (Debian: tesseract-ocr, libtesseract-dev tools). Usage: sh scripts/make-dictionary.sh eng
set -eu
lang="${1:-eng}"
tmp="$(mktemp -d)"
combine_tessdata -u "/usr/share/tesseract-ocr/5/tessdata/${lang}.traineddata" "${tmp}/${lang}." >/dev/null 2>&1
dawg2wordlist "${tmp}/${lang}.lstm-unicharset" "${tmp}/${lang}.lstm-word-dawg" "${tmp}/words.txt" >/dev/null 2>&1
grep -E "^[A-Za-z][A-Za-z'-]{2,}$" "${tmp}/words.txt" | tr 'A-Z' 'a-z' | LC_ALL=C sort -u | gzip -9 -n > "src/confidence/dictionaries/${lang}.txt.gz"
rm -rf "${tmp}"
