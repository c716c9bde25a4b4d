"""docs/cli.md, generated from the commands' own help texts (a test keeps them equal).

    python -m proscribe.cli.reference > docs/cli.md
"""

from __future__ import annotations

import re
from typing import Any

import typer.main

from proscribe.cli import app


# Typer ships its own copy of click, so commands and parameters are duck-typed here.


def _unstyle(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, cmd)]
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            out.extend(_walk(cmd.commands[name], [*path, name]))
    return out


def _param_row(param: Any) -> str | None:
    if getattr(param, "param_type_name", "") == "option":
        if param.hidden or param.name in {"install_completion", "show_completion"}:
            return None
        names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
        text = param.help or ""
        if param.default not in (None, False, ()) and not param.is_flag:
            text += f" (default: {param.default})"
        return f"| {names} | {text.strip()} |"
    name = f"`{(param.name or '').upper()}`"
    text = getattr(param, "help", None) or ""
    required = "" if param.required else " (optional)"
    return f"| {name}{required} | {text} |"


def reference() -> str:
    root = typer.main.get_command(app)
    lines = ["# Command-line reference", "",
             "Generated from the commands' help by `python -m proscribe.cli.reference`; "
             "a test fails when this file and the commands differ.", ""]
    for path, cmd in _walk(root, ["proscribe"]):
        ctx = cmd.context_class(cmd, info_name=" ".join(path))
        usage = " ".join([*path, *cmd.collect_usage_pieces(ctx)])
        lines += [f"## {' '.join(path)}", "", f"`{usage}`", ""]
        if cmd.help:
            lines += [_unstyle(cmd.help).strip(), ""]
        rows = [r for r in (_param_row(p) for p in cmd.params) if r]
        if rows:
            lines += ["| argument / option | meaning |", "|---|---|", *rows, ""]
        if hasattr(cmd, "commands"):
            lines += ["| command | what it does |", "|---|---|"]
            for name in sorted(cmd.commands):
                sub = cmd.commands[name]
                lines.append(f"| `{name}` | {sub.get_short_help_str(limit=120)} |")
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(reference(), end="")
