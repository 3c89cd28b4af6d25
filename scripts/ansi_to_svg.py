#!/usr/bin/env python3
"""Turns a terminal capture with SGR escape codes (`tmux capture-pane -e -p`) into an SVG
picture: one text run per change of style, backgrounds as rectangles, a dark palette.
Used by scripts/screenshots.sh, so the README's pictures come from the real binary."""

import html
import re
import sys

CELL_W, CELL_H, PAD = 8.4, 17, 10
PALETTE = ["#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6"]
BRIGHT = ["#666666", "#ff7b7b", "#d7e37b", "#ffd98a", "#a3c4e0", "#d4b4df", "#a8e0d8", "#ffffff"]
FG, BG = "#c5c8c6", "#1d1f21"
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def color256(n):
    if n < 8:
        return PALETTE[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    gray = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (gray, gray, gray)


def apply(style, params):
    codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            style = dict(fg=None, bg=None, bold=False, dim=False, ul=False, rev=False)
        elif c == 1:
            style["bold"] = True
        elif c == 2:
            style["dim"] = True
        elif c == 22:
            style["bold"] = style["dim"] = False
        elif c == 4:
            style["ul"] = True
        elif c == 24:
            style["ul"] = False
        elif c == 7:
            style["rev"] = True
        elif c == 27:
            style["rev"] = False
        elif 30 <= c <= 37:
            style["fg"] = PALETTE[c - 30]
        elif 90 <= c <= 97:
            style["fg"] = BRIGHT[c - 90]
        elif c == 39:
            style["fg"] = None
        elif 40 <= c <= 47:
            style["bg"] = PALETTE[c - 40]
        elif 100 <= c <= 107:
            style["bg"] = BRIGHT[c - 100]
        elif c == 49:
            style["bg"] = None
        elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
            style["fg" if c == 38 else "bg"] = color256(codes[i + 2])
            i += 2
        i += 1
    return style


def cells(line):
    """(character, style) for each cell of a captured line."""
    style = dict(fg=None, bg=None, bold=False, dim=False, ul=False, rev=False)
    out, pos = [], 0
    for m in SGR.finditer(line):
        out.extend((ch, dict(style)) for ch in line[pos:m.start()])
        style = apply(style, m.group(1))
        pos = m.end()
    out.extend((ch, dict(style)) for ch in line[pos:])
    return out


def wide(ch):
    return ord(ch) >= 0x1100 and (0x2e80 <= ord(ch) <= 0xa4cf or 0xac00 <= ord(ch) <= 0xd7a3 or 0xf900 <= ord(ch) <= 0xfaff or 0xff00 <= ord(ch) <= 0xff60 or 0xffe0 <= ord(ch) <= 0xffe6)


def main():
    text = sys.stdin.read().rstrip("\n").split("\n")
    cols = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    width, height = PAD * 2 + cols * CELL_W, PAD * 2 + len(text) * CELL_H
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">',
        f'<rect width="100%" height="100%" rx="6" fill="{BG}"/>',
    ]
    for y, line in enumerate(text):
        x = 0
        run, run_style, run_x = "", None, 0
        def flush():
            if not run:
                return
            s = run_style
            fg, bg = s["fg"] or FG, s["bg"]
            if s["rev"]:
                fg, bg = (s["bg"] or BG), (s["fg"] or FG)
            px, py = PAD + run_x * CELL_W, PAD + y * CELL_H
            if bg:
                cells_wide = sum(2 if wide(c) else 1 for c in run)
                parts.append(f'<rect x="{px:.1f}" y="{py}" width="{cells_wide * CELL_W:.1f}" height="{CELL_H}" fill="{bg}"/>')
            attrs = f'fill="{fg}"'
            if s["bold"]:
                attrs += ' font-weight="bold"'
            if s["dim"]:
                attrs += ' opacity="0.6"'
            if s["ul"]:
                attrs += ' text-decoration="underline"'
            if run.strip():
                # Every cell is CELL_W wide whatever the font: textLength keeps the grid.
                cells_wide = sum(2 if wide(c) else 1 for c in run)
                parts.append(
                    f'<text x="{px:.1f}" y="{py + 13}" {attrs} textLength="{cells_wide * CELL_W:.1f}" '
                    f'lengthAdjust="spacingAndGlyphs" xml:space="preserve">{html.escape(run)}</text>'
                )
        for ch, style in cells(line):
            if style != run_style:
                flush()
                run, run_style, run_x = "", style, x
            run += ch
            x += 2 if wide(ch) else 1
        flush()
    parts.append("</svg>")
    print("\n".join(parts))


if __name__ == "__main__":
    main()
