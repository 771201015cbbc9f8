"""The HTML page of a report: sections, tables and figures, all inline, nothing fetched.

:class:`Page` collects sections and renders one self-contained document
(styles inline, figures as PNG ``data:`` URIs); the helpers turn facts,
tables and matplotlib figures into its HTML pieces.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure

from simcc._version import __version__


@dataclass
class Page:
    """An HTML page built section by section; :meth:`html` gives the whole document."""

    title: str
    subtitle: str = ""
    sections: list[str] = field(default_factory=list)

    def section(self, ident: str, heading: str, *parts: str) -> None:
        body = "\n".join(parts)
        self.sections.append(
            f'<section id="{ident}">\n<h2>{html.escape(heading)}</h2>\n{body}\n</section>'
        )

    def html(self) -> str:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        return _TEMPLATE.format(
            title=html.escape(self.title),
            subtitle=html.escape(self.subtitle),
            css=_CSS,
            body="\n".join(self.sections),
            footer=html.escape(f"simcc {__version__} · generated {stamp}"),
        )


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2733; background: #f6f7f9; line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 1.5rem 2rem 3rem; background: #fff; }
h1 { margin: 0 0 .2rem; font-size: 1.7rem; }
.subtitle { color: #5a6675; margin: 0 0 1rem; }
h2 { border-bottom: 2px solid #d9dee5; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #e3e7ec; text-align: right;
         white-space: nowrap; }
th { white-space: normal; }
th[colspan] { text-align: center; border-left: 1px solid #d9dee5; }
.ci { color: #5a6675; font-size: .8rem; }
th { background: #eef1f5; }
td.name, th.name, td.key { text-align: left; }
td.name code { color: #5a6675; font-size: .8rem; }
tr.group td { background: #fafbfc; font-weight: 600; text-align: left; }
ul.verdicts { list-style: none; padding-left: 0; }
ul.verdicts li { padding: .3rem .6rem; margin: .25rem 0; border-left: 5px solid #aab3bf;
                 background: #f7f8fa; }
ul.verdicts li.better { border-color: #2e8b57; }
ul.verdicts li.worse { border-color: #c0392b; }
ul.verdicts li.neutral { border-color: #4a78b0; }
p.bottom, p.why { padding: .6rem .9rem; margin: .6rem 0; font-size: 1.02rem; max-width: 62rem; }
p.bottom { background: #eef4fb; border-left: 6px solid #4a78b0; font-weight: 500; }
p.why { background: #fbf6ee; border-left: 6px solid #dd8452; }
figure { margin: 1.2rem 0 2rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e7ec; }
figcaption { color: #3d4855; font-size: .92rem; max-width: 60rem; }
pre { background: #f3f5f8; padding: .6rem .8rem; overflow-x: auto; }
.note { color: #5a6675; font-size: .9rem; }
footer { color: #8a94a1; font-size: .8rem; margin-top: 3rem; }
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="subtitle">{subtitle}</p>
{body}
<footer>{footer}</footer>
</main>
</body>
</html>
"""


# ---------------------------------------------------------------------------- HTML pieces


def figure_html(fig: Figure, alt: str, caption: str) -> str:
    """A figure as an ``<img>`` with its PNG inline (``data:`` URI) and a caption."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def facts_html(rows: Iterable[tuple[str, Any]]) -> str:
    cells = "".join(
        f'<tr><td class="key">{html.escape(str(k))}</td>'
        f'<td class="name">{html.escape(str(v))}</td></tr>'
        for k, v in rows
        if v not in (None, "")
    )
    return f"<table>{cells}</table>"


def table_html(
    header: Sequence[str], rows: Iterable[Sequence[str]], name_cols: int = 1, raw: bool = False
) -> str:
    """An HTML table; the first ``name_cols`` cells of a row (all with ``raw``) are HTML."""
    head = "".join(
        f'<th class="name">{html.escape(h)}</th>' if i < name_cols else f"<th>{html.escape(h)}</th>"
        for i, h in enumerate(header)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="name">{c}</td>'
            if i < name_cols
            else f"<td>{c if raw else html.escape(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def plot_into(parts: list[str], draw: Any, alt: str, caption: str) -> None:
    """Draw one figure into ``parts``; a figure that cannot be drawn becomes a note."""
    try:
        fig = draw()
    except (ValueError, KeyError) as exc:
        parts.append(
            f'<p class="note">{html.escape(alt)}: not drawn ({html.escape(str(exc))}).</p>'
        )
        return
    parts.append(figure_html(fig, alt, caption))
