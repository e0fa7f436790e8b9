"""Show an EvalResult: a terminal table, and a self-contained HTML page (inline CSS and SVG, no JS)
with each item side by side, word-level differences highlighted."""

from __future__ import annotations

import difflib
import html
import re

from .score import EvalResult, ItemScore


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def render_table(result: EvalResult) -> str:
    r = result
    rows = [
        ("Punkter", "matchade / arkiv / utkast", f"{r.items.matched} / {r.items.archived} / {r.items.drafted}"),
        ("Beslut", "precision", fmt(r.decisions.precision)),
        ("", "recall", fmt(r.decisions.recall)),
        ("", "F1", fmt(r.decisions.f1)),
        ("", "rätt slag (kind)", fmt(r.decisions.kind_accuracy)),
        ("", "chrF matchade", fmt(r.decisions.chrf)),
        ("Sammanfattning", "ROUGE-1", fmt(r.summary.rouge1)),
        ("", "ROUGE-2", fmt(r.summary.rouge2)),
        ("", "ROUGE-L", fmt(r.summary.rougeL)),
        ("", "chrF", fmt(r.summary.chrf)),
        ("Närvaro", "precision", fmt(r.attendance.precision)),
        ("", "recall", fmt(r.attendance.recall)),
        ("Segmentering", "Pk (lägre är bättre)", fmt(r.segmentation.pk)),
        ("", "WindowDiff", fmt(r.segmentation.windowdiff)),
    ]
    w0, w1 = max(len(a) for a, _, _ in rows), max(len(b) for _, b, _ in rows)
    lines = [f"{'Mått':<{w0}}  {'':<{w1}}  Värde", "-" * (w0 + w1 + 12)]
    lines += [f"{a:<{w0}}  {b:<{w1}}  {c}" for a, b, c in rows]
    lines += ["", "Per punkt (arkiv ↔ utkast): beslut matchade/arkiv/utkast, ROUGE-L"]
    for item in result.per_item:
        left = f"{item.archived_number}. {item.archived_title}" if item.archived_number is not None else "—"
        right = f"{item.draft_number}. {item.draft_title}" if item.draft_number is not None else "—"
        lines.append(f"  {_short(left, 38):<38} ↔ {_short(right, 38):<38} "
                     f"{item.decisions_matched}/{item.decisions_archived}/{item.decisions_drafted}  {fmt(item.rougeL)}")
    return "\n".join(lines)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --- HTML -------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table.scores{border-collapse:collapse}table.scores td,table.scores th{padding:.25rem .75rem;border-bottom:1px solid #eee;text-align:left}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.pair>div{background:#fafafa;border:1px solid #ddd;padding:.75rem;border-radius:4px}
.pair h3{font-size:1rem;margin:.2rem 0 .5rem}.label{font-size:.8rem;color:#555;text-transform:uppercase;letter-spacing:.04em}
del{background:#fdd;text-decoration:line-through}ins{background:#cfc;text-decoration:none}
.missing{color:#a00;font-style:italic}.meta{color:#555;font-size:.9rem}ul.clauses{padding-left:1.2rem}
"""


def word_diff(old: str, new: str) -> tuple[str, str]:
    """Escaped HTML of (archived, draft) with removed words in <del> and added words in <ins>."""
    a, b = old.split(), new.split()
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        aw, bw = html.escape(" ".join(a[i1:i2])), html.escape(" ".join(b[j1:j2]))
        if op == "equal":
            left.append(aw)
            right.append(bw)
        else:
            if aw:
                left.append(f"<del>{aw}</del>")
            if bw:
                right.append(f"<ins>{bw}</ins>")
    return " ".join(left), " ".join(right)


def _chart(items: list[ItemScore]) -> str:
    """Inline SVG: per archived item, bars for ROUGE-L and decision recall."""
    rows = [i for i in items if i.archived_number is not None]
    bar_h, gap, label_w, width = 10, 8, 260, 600
    height = len(rows) * (2 * bar_h + gap) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + width + 60}" height="{height}" '
             f'role="img" aria-label="Poäng per punkt">']
    y = 20
    parts.append(f'<rect x="{label_w}" y="2" width="10" height="10" fill="#3b6ea5"/>'
                 f'<text x="{label_w + 14}" y="11" font-size="11">ROUGE-L sammanfattning</text>'
                 f'<rect x="{label_w + 180}" y="2" width="10" height="10" fill="#e08a2c"/>'
                 f'<text x="{label_w + 194}" y="11" font-size="11">beslut recall</text>')
    for item in rows:
        label = html.escape(_short(f"{item.archived_number}. {item.archived_title}", 40))
        recall = item.decisions_matched / item.decisions_archived if item.decisions_archived else None
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h + 3}" font-size="11" text-anchor="end">{label}</text>')
        for k, (value, color) in enumerate(((item.rougeL, "#3b6ea5"), (recall, "#e08a2c"))):
            yy = y + k * bar_h
            if value is None:
                parts.append(f'<text x="{label_w + 4}" y="{yy + 9}" font-size="9" fill="#888">–</text>')
            else:
                parts.append(f'<rect x="{label_w}" y="{yy}" width="{value * width:.1f}" height="{bar_h - 1}" fill="{color}"/>'
                             f'<text x="{label_w + value * width + 4:.1f}" y="{yy + 9}" font-size="9">{value:.2f}</text>')
        y += 2 * bar_h + gap
    parts.append("</svg>")
    return "".join(parts)


def render_html(result: EvalResult, title: str = "Utvärdering av protokollutkast") -> str:
    e = html.escape
    r = result
    score_rows = [
        ("Punkter matchade / arkiv / utkast", f"{r.items.matched} / {r.items.archived} / {r.items.drafted}"),
        ("Beslut precision / recall / F1", f"{fmt(r.decisions.precision)} / {fmt(r.decisions.recall)} / {fmt(r.decisions.f1)}"),
        ("Beslut rätt slag / chrF", f"{fmt(r.decisions.kind_accuracy)} / {fmt(r.decisions.chrf)}"),
        ("Sammanfattning ROUGE-1 / 2 / L", f"{fmt(r.summary.rouge1)} / {fmt(r.summary.rouge2)} / {fmt(r.summary.rougeL)}"),
        ("Sammanfattning chrF", fmt(r.summary.chrf)),
        ("Närvaro precision / recall", f"{fmt(r.attendance.precision)} / {fmt(r.attendance.recall)}"),
        ("Segmentering Pk / WindowDiff", f"{fmt(r.segmentation.pk)} / {fmt(r.segmentation.windowdiff)}"),
    ]
    out = [f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{e(title)}</title>'
           f'<style>{_CSS}</style></head><body><h1>{e(title)}</h1>',
           '<table class="scores"><tbody>']
    out += [f"<tr><th>{e(a)}</th><td>{e(b)}</td></tr>" for a, b in score_rows]
    out.append("</tbody></table><h2>Poäng per punkt</h2>")
    out.append(_chart(r.per_item))
    out.append('<h2>Punkt för punkt</h2><p class="meta">Vänster: arkiverat protokoll. Höger: utkast. '
               '<del>struket</del> finns bara i arkivet, <ins>tillagt</ins> bara i utkastet.</p>')
    for item in r.per_item:
        left_sum, right_sum = word_diff(item.summary_archived, item.summary_draft)
        head_l = (f"{item.archived_number}. {e(item.archived_title or '')}" if item.archived_number is not None
                  else '<span class="missing">saknas i arkivet</span>')
        head_r = (f"{item.draft_number}. {e(item.draft_title or '')}" if item.draft_number is not None
                  else '<span class="missing">saknas i utkastet</span>')
        cl_l, cl_r = [], []
        for c in item.clauses:
            if c.archived and c.draft:
                a, b = word_diff(c.archived, c.draft)
                cl_l.append(f"<li>{a} <span class=meta>({e(c.archived_kind or '')})</span></li>")
                cl_r.append(f"<li>{b} <span class=meta>({e(c.draft_kind or '')}, likhet {c.similarity:.2f})</span></li>")
            elif c.archived:
                cl_l.append(f"<li><del>{e(c.archived)}</del></li>")
                cl_r.append('<li class="missing">(beslutet saknas)</li>')
            else:
                cl_r.append(f"<li><ins>{e(c.draft or '')}</ins></li>")
        scores = f"ROUGE-L {fmt(item.rougeL)} · chrF {fmt(item.chrf)} · beslut {item.decisions_matched}/{item.decisions_archived}/{item.decisions_drafted}"
        out.append(f'<section><h2>{head_l if item.archived_number is not None else head_r}</h2>'
                   f'<p class="meta">{e(scores)}</p><div class="pair">'
                   f'<div><div class="label">Arkiv</div><h3>{head_l}</h3><p>{left_sum}</p>'
                   f'<ul class="clauses">{"".join(cl_l)}</ul></div>'
                   f'<div><div class="label">Utkast</div><h3>{head_r}</h3><p>{right_sum}</p>'
                   f'<ul class="clauses">{"".join(cl_r)}</ul></div></div></section>')
    out.append("</body></html>")
    return re.sub(r"\n\s*\n", "\n", "\n".join(out))
