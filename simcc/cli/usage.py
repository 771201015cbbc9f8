"""How a command's ``--help`` reads: plain placeholders, as a planner would write them.

Typer's own help shows a required argument as ``{file}`` and a value's type
as ``<path>``, ``<int range>`` or ``<list[Path]>``.  :class:`PlainCommand`
shows ``FILE``, ``FILES...``, ``[OUT_DIR]`` and an option's value by its
metavar (``--out DIR``, ``-n, --replications N``), the name in capitals when
an option declares none.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand

# Typer's Context and HelpFormatter are click's (vendored by recent Typer): typed as Any here.


class PlainCommand(TyperCommand):
    """A Typer command whose usage line and help show plain capitalised placeholders."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.metavar is None and param.name and not getattr(param, "is_flag", False):
                param.metavar = param.name.upper()

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = placeholder(param)
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                if not param.hidden:
                    arguments.append((placeholder(param), param.help or ""))
                continue
            record = param.get_help_record(ctx)
            if record is not None:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def placeholder(param: Any) -> str:
    """``FILE``, or ``FILES...`` for an argument taking several values."""
    name = param.metavar or (param.name or "value").upper()
    return name if param.nargs == 1 else f"{name}..."
