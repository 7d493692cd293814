"""The brief as Markdown (for wikis, e-mail and diffs between briefs)."""

from briefs.model import Brief, Bullets, Chart, Hint, Link, Para, Table, codes_text


def _cell(value) -> str:
    if isinstance(value, Link):
        text = value.text.replace("|", "\\|")
        return f"[{text}]({value.url})" if value.url else text
    return str(value).replace("|", "\\|").replace("\n", " ")


def _para(p: Para) -> str:
    text = f"{p.text} {codes_text(p.codes, p.summary)}".strip()
    return text


def _block(block) -> list[str]:
    if isinstance(block, Para):
        return [_para(block), ""]
    if isinstance(block, Bullets):
        return [f"- {_para(item)}" for item in block.items] + [""]
    if isinstance(block, Table):
        lines = [f"*{block.caption}* {codes_text(block.codes)}", "", "| " + " | ".join(block.header) + " |",
                 "|" + "---|" * len(block.header)]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
        return lines + [""]
    if isinstance(block, Chart):
        # Markdown holds no picture: the chart is given as its table of figures, axes named.
        return [f"**Grafiek: {block.title}** (in tekst) {codes_text(block.codes, block.summary)}", "",
                f"| {block.xlabel} | {block.ylabel} |", "|---|---|",
                *[f"| {_cell(label)} | {value} |" for label, value in zip(block.labels, block.values)], ""]
    if isinstance(block, Hint):
        return [f"> **{block.title}.** {block.text} {codes_text(block.codes)}", ""]
    raise TypeError(f"unknown block {type(block).__name__}")


def render_markdown(brief: Brief) -> bytes:
    lines = [f"# {brief.title}", "", f"**{brief.subtitle}**", "", f"- Datum: {brief.date_text}",
             f"- Uitgaande dienst: {brief.service}", f"- Bestemmeling: {brief.addressee}",
             f"- Selectie: {brief.selection_text}", "", "## Inhoud", ""]
    lines += [f"{'  ' * (s.level - 1)}- [{s.title}](#{s.id})" for s in brief.sections if s.level <= 2]
    lines.append("")
    for section in brief.sections:
        lines += [f'<a id="{section.id}"></a>', "", f"{'#' * (section.level + 1)} {section.title}", ""]
        for block in section.blocks:
            lines += _block(block)
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")
