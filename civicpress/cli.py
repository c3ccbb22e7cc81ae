"""The command line: ``python build.py [build|serve|new|check|import]`` and the ``civicpress`` command.

Exit codes: 0 ok, 1 the site has errors, 2 wrong usage. Messages are Simplified Chinese.
A SiteError is printed as a list of problems, never as a traceback; so is an OSError (a full or
read-only disk, an output folder that is a mount point…): the system's answer, said for an editor.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import re
import sys
import unicodedata
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NoReturn, TextIO

from civicpress import __version__
from civicpress.errors import Finding, Location, SiteError
from civicpress.options import EDITIONS, PUBLIC, BuildOptions, BuildResult

# The pipeline (and the template engine, Markdown, WeasyPrint… behind it) is imported only when
# a command needs it: a build in which nothing changed finishes before that.

EXIT_OK, EXIT_SITE_ERROR, EXIT_USAGE = 0, 1, 2
_TOP_LEVEL_OPTIONS = ("-h", "--help", "--version")  # every other leading option belongs to build

_ARGPARSE_MESSAGES = [
    ("the following arguments are required: ", "缺少参数："),
    ("unrecognized arguments: ", "无法识别的参数："),
    ("invalid choice: ", "无效的选择："),
    ("expected one argument", "需要一个值"),
    ("invalid int value: ", "不是整数："),
    ("choose from ", "可选："),
    ("argument ", "参数 "),
]


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: a Chinese character (or full-width mark) takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_columns(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns: Chinese breaks between any two characters,
    Latin words stay whole, and a closing mark never starts a line (it stays on the line before)."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[A-Za-z0-9_./:=+\-{},@]+|\s+|.", " ".join(text.split())):
        if line and display_width(line + token) > width and not (token in _NO_LINE_START or token.isspace()):
            lines.append(line.rstrip())
            line = ""
        if line or not token.isspace():
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines


_NO_LINE_START = frozenset("，。、；：？！”’）》」』】%")


class _Formatter(argparse.HelpFormatter):
    """argparse's help measured in terminal columns, so the help of every option starts in one column."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        # argparse passes prefix="" when it only measures a sub-command's name.
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_columns(text, width - display_width(indent)))

    def add_argument(self, action: argparse.Action) -> None:
        if action.help is argparse.SUPPRESS:
            return
        actions = [action, *self._iter_indented_subactions(action)]
        longest = max(display_width(self._format_action_invocation(a)) for a in actions)
        self._action_max_length = max(self._action_max_length, longest + self._current_indent)
        self._add_item(self._format_action, [action])

    def _format_action(self, action: argparse.Action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        header = self._format_action_invocation(action)
        lines = wrap_columns(self._expand_help(action), max(self._width - help_position, 11)) if action.help else []
        room = help_position - self._current_indent - 2
        indent = " " * self._current_indent
        if not lines:
            parts = [f"{indent}{header}\n"]
        elif display_width(header) <= room:  # the help starts on the same line, in the help column
            parts = [f"{indent}{header}{' ' * (room - display_width(header))}  {lines[0]}\n"]
            lines = lines[1:]
        else:
            parts = [f"{indent}{header}\n"]
        parts += [f"{' ' * help_position}{line}\n" for line in lines]
        parts += [self._format_action(sub) for sub in self._iter_indented_subactions(action)]
        return self._join_parts(parts)


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese messages; usage errors exit with code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> NoReturn:
        for english, chinese in _ARGPARSE_MESSAGES:
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"错误：{message}\n（用 -h 查看帮助）\n")


def _port(text: str) -> int:
    """``serve --port``: a TCP port, refused in Chinese (exit 2) when it is not one."""
    hint = "端口应是 1 到 65535 之间的整数，如 --port 8001"
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是端口号：{hint}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} 不是端口号：{hint}")
    return port


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python build.py", description="civicpress：社区信息公开网站和交流材料生成器")
    parser.add_argument("--version", action="version", version=f"civicpress {__version__}", help="显示版本号并退出")
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    def site_options(sub: argparse.ArgumentParser, out: bool = True) -> None:
        sub.add_argument("--site", type=Path, default=Path("."), metavar="目录", help="网站文件夹（默认：当前文件夹）")
        if out:
            sub.add_argument(
                "--out", type=Path, default=None, metavar="目录", help="输出文件夹（默认：网站文件夹下的 output）"
            )
        sub.add_argument("--drafts", action="store_true", help="包括草稿和发布日期未到的文章")
        sub.add_argument("--strict", action="store_true", help="有警告也算失败")
        sub.add_argument(
            "--edition",
            choices=EDITIONS,
            default=PUBLIC,
            help="public（默认，公开版：隐藏内部内容和不公开的姓名，检查个人信息）"
            "或 internal（内部版，默认输出到 output-internal）",
        )
        sub.add_argument("-q", "--quiet", action="store_true", help="只显示错误")

    init = commands.add_parser(
        "init", help="建立一个新的网站文件夹",
        description="在一个新的（或空的）文件夹里建立网站：带中文说明的设置、每个栏目一篇示例文章、数据文件、"
                    "一份交流材料、build.py 和编辑须知，建好即可生成",
    )
    init.add_argument("folder", type=Path, metavar="文件夹", help="新网站的文件夹，如 新社区")
    init.add_argument("--bare", action="store_true", help="只建空的骨架（设置和栏目文件夹），不要示例内容")
    build_parser = commands.add_parser("build", help="生成网站（默认命令）", description="生成整个网站到输出文件夹")
    site_options(build_parser)
    build_parser.add_argument(
        "--no-cache", action="store_true",
        help="全部重新生成，不用上次生成留下的记录（.civicpress-cache/，可随时删除）",
    )
    site_options(commands.add_parser(
        "print", help="只生成交流材料（PDF、Word、打印网页）",
        description="只生成 content/materials/ 中的交流材料和参观材料到输出文件夹的 print/，网站其余部分不变",
    ))
    serve = commands.add_parser(
        "serve", help="本地预览，保存后自动刷新",
        description="本地预览网站，保存文件后自动重新生成并刷新浏览器。预览时草稿也显示，标题旁标有“草稿”。",
    )
    site_options(serve)
    serve.add_argument("--port", type=_port, default=8000, metavar="端口", help="端口（默认 8000）")
    serve.add_argument("--host", default="127.0.0.1", metavar="地址",
                       help="监听地址（默认 127.0.0.1，仅本机可访问；0.0.0.0 让同一网络中的手机也能打开）")
    new = commands.add_parser("new", help="新建文章", description="在栏目中新建一篇文章，带好标题和今天的日期")
    new.add_argument("section", metavar="栏目", help="栏目目录名，如 events")
    new.add_argument("title", metavar="标题", help="文章标题")
    new.add_argument("--photos", type=Path, metavar="文件夹",
                     help="把这个文件夹里的照片复制到文章旁边（改名为 01.jpg、02.jpg…），并在文章中加上相册")
    new.add_argument("--site", type=Path, default=Path("."), metavar="目录", help="网站文件夹（默认：当前文件夹）")
    check_parser = commands.add_parser(
        "check", help="检查全部内容，不写任何文件", description="检查全部内容，不写任何文件"
    )
    site_options(check_parser, out=False)
    check_parser.add_argument(
        "--external", action="store_true", help="同时检查文章中的外部网址能否打开（需要联网，较慢）"
    )
    deploy = commands.add_parser(
        "deploy", help="发布：把网站上传到服务器（只传改了的文件）",
        description="先生成公开版网站，再按 site_config.yaml 中 deploy 的设置上传到服务器（SFTP）或复制到文件夹，"
                    "只传内容改了的文件：先传图片等文件，再传网页，最后删除不再需要的文件",
    )
    deploy.add_argument("--site", type=Path, default=Path("."), metavar="目录", help="网站文件夹（默认：当前文件夹）")
    deploy.add_argument("--dry-run", action="store_true", help="只列出将要上传和删除的文件，不改动服务器上的任何文件")
    deploy.add_argument("-q", "--quiet", action="store_true", help="只显示错误和最后的结果")
    commands.add_parser(
        "fonts", help="安装交流材料用的免费字体（不需要管理员权限）",
        description="把交流材料（公文格式 PDF）所用的免费替代字体装到自己的字体文件夹：Debian、Ubuntu 上从系统软件源"
                    "下载 Fandol 和 Noto CJK 字体；macOS、Windows 上说明用哪些自带字体代替",
    )
    theme = commands.add_parser(
        "theme", help="主题：theme export 文件夹，复制默认模板和样式以便修改",
        description="theme export 文件夹：把默认主题的模板（templates/）和样式、脚本（static/）复制出来以便修改；"
                    "改好的文件放进网站文件夹的 templates/ 或 static/ 即可代替默认的。"
                    "模板说明见 docs/content/theme.md（操作手册的“主题模板参考”）",
    )
    theme_commands = theme.add_subparsers(dest="theme_command", metavar="操作", parser_class=_Parser, required=True)
    export = theme_commands.add_parser("export", help="复制默认模板和静态文件", description="复制默认模板和静态文件")
    export.add_argument("folder", type=Path, metavar="文件夹", help="复制到哪个文件夹（新的或空的）")
    export.add_argument("--force", action="store_true", help="文件夹不是空的也写入，覆盖其中与主题同名的文件")
    importer = commands.add_parser(
        "import",
        help="把旧材料（文本、Word）导入为文章",
        description="修复乱码、拼音注音、繁体字和网站广告后，把报告导入为 content/栏目/ 中的文章",
    )
    importer.add_argument("files", nargs="+", metavar="文件", help="要导入的 .txt、.md、.docx 文件；- 表示标准输入")
    importer.add_argument("--section", default=None, metavar="栏目", help="导入到哪个栏目（默认：第一个栏目）")
    importer.add_argument("--site", type=Path, default=Path("."), metavar="目录", help="网站文件夹（默认：当前文件夹）")
    importer.add_argument("--split", action="store_true",
                          help="每个一级标题（一、二、……）各成一篇文章；汇编（目录、第1篇、第2篇……）按篇拆分")
    importer.add_argument("--dry-run", action="store_true", help="只显示将要写入的内容，不写任何文件")
    return parser


def main(argv: list[str] | None = None) -> int:
    _utf8_console()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in _TOP_LEVEL_OPTIONS):
        args_list.insert(0, "build")
    args = make_parser().parse_args(args_list)
    if args.command is None:
        make_parser().print_help()
        return EXIT_USAGE
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "print":
            return _print(args)
        if args.command == "check":
            return _check(args)
        if args.command == "import":
            return _import(args)
        if args.command == "init":
            return _init(args)
        if args.command == "deploy":
            return _deploy(args)
        if args.command == "theme":
            return _theme_export(args)
        if args.command == "fonts":
            from civicpress.fonts_install import install_fonts

            install_fonts(print)
            return EXIT_OK
        if args.command == "new":
            from civicpress.scaffold import new_document

            path = new_document(args.site, args.section, args.title, datetime.now(timezone.utc), args.photos)
            print(f"已新建：{_display(path)}")
            if args.photos is not None:
                gallery = path.parent / "images" / path.stem
                count = sum(1 for p in gallery.iterdir()) - 1
                print(f"已复制 {count} 张照片到 {_display(gallery)}（照片说明写在其中的 说明.yaml 里）")
            return EXIT_OK
        if args.command == "serve":
            from civicpress.serve import serve

            code: int = serve(_options(args), host=args.host, port=args.port)
            return code
    except SiteError as exc:
        _report(exc.findings, sys.stderr)
        errors = sum(1 for f in exc.findings if f.is_error)
        warnings = len(exc.findings) - errors
        summary = f"共 {errors} 个错误" + (f"，{warnings} 个警告" if warnings else "")
        print(f"\n失败：{summary}。输出文件夹保持不变。", file=sys.stderr)
        return EXIT_SITE_ERROR
    except KeyboardInterrupt:
        print("\n已停止。", file=sys.stderr)
        return EXIT_SITE_ERROR
    except OSError as exc:  # the publishing code leaves the old output in place and raises
        out = _options(args).out_dir if args.command in ("build", "print", "serve") else None
        finding = _os_error_finding(exc, out)
        _report((finding,), sys.stderr)
        kept = "输出文件夹保持不变。" if finding.code == "output-unwritable" else ""
        print(f"\n失败：{kept}", file=sys.stderr)
        return EXIT_SITE_ERROR
    return EXIT_USAGE


# errno -> (what it means, what to do), for an editor
_OS_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("磁盘空间不足", "请清理磁盘，或用 --out 把网站生成到空间足够的磁盘上，然后重新运行。"),
    errno.EDQUOT: ("超出了磁盘配额", "请清理自己的文件，或用 --out 把网站生成到别的磁盘上，然后重新运行。"),
    errno.EROFS: ("磁盘是只读的", "请用 --out 指定一个可以写入的文件夹，或请管理员把这个磁盘改为可写。"),
    errno.EACCES: ("没有写入权限", "请用 --out 指定自己有权写入的文件夹；在 Windows 上也可能是文件正被别的程序"
                                 "（浏览器、WPS、杀毒软件）打开，关闭后重试。"),
    errno.EPERM: ("不允许这样操作", "请用 --out 指定自己有权写入的文件夹，或关闭正在使用其中文件的程序后重试。"),
    errno.EBUSY: ("文件夹正被占用，或者它是一个挂载点，不能整体替换",
                  "如果输出文件夹是挂载点（网络盘、Docker 卷等），请用 --out 指定它里面的一个子文件夹，"
                  "如 挂载点/output；否则请关闭正在使用它的程序后重试。"),
    errno.EISDIR: ("同一个位置既要写文件又要建文件夹", "可能是文章的网址名与 static/ 中的文件同名，请修改其中一个。"),
    errno.ENOTDIR: ("同一个位置既要写文件又要建文件夹", "可能是文章的网址名与 static/ 中的文件同名，请修改其中一个。"),
    errno.EADDRINUSE: ("端口已被别的程序占用", "请用 --port 换一个端口，如 --port 8001。"),
}
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
_OS_ERROR_HINT = "请检查这个文件夹是否存在、能否写入，然后重新运行。"


def _os_error_finding(exc: OSError, out: Path | None) -> Finding:
    """What an OSError means to the editor: which folder or file, why, and what to do."""
    reason, hint = _OS_ERRORS.get(exc.errno or 0, (exc.strerror or str(exc), _OS_ERROR_HINT))
    system = f"（{exc.strerror}）" if exc.strerror and exc.strerror != reason else ""
    filename = os.fsdecode(exc.filename) if exc.filename is not None else None
    if out is not None and (_in_output(filename, out) if filename else exc.errno in _DISK_FULL):
        return Finding("output-unwritable", f"无法写入输出文件夹：{reason}{system}", Location(_display(out)), hint)
    location = Location(_display(Path(filename))) if filename else None
    return Finding("file-error", f"无法读写{'这个文件' if filename else '文件'}：{reason}{system}", location, hint)


def _in_output(filename: str, out: Path) -> bool:
    """Whether ``filename`` is the output folder, inside it, or inside publishing's folders beside it."""
    path, out = Path(filename).absolute(), out.absolute()
    return any(p == out or (p.parent == out.parent and p.name.startswith(f".{out.name}."))
               for p in (path, *path.parents))


def _options(args: argparse.Namespace) -> BuildOptions:
    default_out = "output" if args.edition == PUBLIC else "output-internal"
    out = args.out if getattr(args, "out", None) is not None else args.site / default_out
    # A preview is for the editor: her drafts are shown there, marked 草稿 (never in build or deploy).
    drafts = args.drafts or args.command == "serve"
    return BuildOptions(site_dir=args.site, out_dir=out, drafts=drafts, strict=args.strict, edition=args.edition,
                        cache=not getattr(args, "no_cache", False))


def _build(args: argparse.Namespace) -> int:
    result = _built(_options(args), args.quiet)
    _finish(result, args.quiet)
    if not args.quiet:
        out = _display(_options(args).out_dir)
        if result.unchanged:
            print(f"完成：没有变化，{out} 中的 {result.files} 个文件保持不变，用时 {result.seconds:.2f} 秒。")
        else:
            size = result.bytes / 1024 / 1024
            print(
                f"完成：{result.pages} 篇文章，{out} 中共 {result.files} 个文件（{size:.1f} MB），"
                f"重新生成 {result.rendered} 个，写入 {result.written} 个，用时 {result.seconds:.2f} 秒。"
            )
        _held_back(result)
    return EXIT_OK


def _built(options: BuildOptions, quiet: bool) -> BuildResult:
    """The build, as ``build`` and ``deploy`` run it: each phase named with its count (not with -q)."""
    from civicpress.rebuild.unchanged import unchanged_build

    result = unchanged_build(options)
    if result is not None:
        return result
    from civicpress.pipeline import build
    from civicpress.progress import PhaseReport

    progress = None if quiet else PhaseReport(sys.stderr)
    try:
        return build(options, progress=progress)
    finally:
        if progress:
            progress.done()


def _held_back(result: BuildResult) -> None:
    if result.drafts_left_out:
        print(f"另有 {len(result.drafts_left_out)} 篇草稿没有发布（draft: true 或 status: 草稿）；"
              "运行 python build.py serve 可以预览草稿，定稿后删去 draft: true 这一行（或改为 status: 已审）。")
    if result.held_back:
        print(f"另有 {len(result.held_back)} 篇文章尚未审核通过（require_approval: true），公开版未发布；"
              "运行 python build.py check 可列出待审核的文章。")


def _init(args: argparse.Namespace) -> int:
    from civicpress.init_site import init_site

    try:
        written = init_site(args.folder, bare=args.bare)
    except SiteError as exc:
        _report(exc.findings, sys.stderr)
        print("\n失败：没有写入任何文件。", file=sys.stderr)
        return EXIT_SITE_ERROR
    folder = _display(args.folder)
    kind = "空白网站" if args.bare else "示例网站"
    print(f"已建立{kind}：{folder}（{len(written)} 个文件）。接下来：\n"
          f"  cd {folder}\n"
          "  python build.py serve      预览：浏览器打开 http://127.0.0.1:8000/\n"
          "  python build.py            生成网站到 output/\n"
          "先读一读其中的 编辑须知.md，再修改 site_config.yaml 中的网站名称和网址。")
    return EXIT_OK


def _theme_export(args: argparse.Namespace) -> int:
    from civicpress.theme_export import export_theme

    try:
        written = export_theme(args.folder, force=args.force)
    except SiteError as exc:
        _report(exc.findings, sys.stderr)
        print("\n失败：没有写入任何文件。", file=sys.stderr)
        return EXIT_SITE_ERROR
    folder = _display(args.folder)
    print(f"已复制默认主题的 {len(written)} 个文件到 {folder}（templates/ 模板，static/ 样式和脚本）。\n"
          "把要修改的文件复制到网站文件夹的 templates/ 或 static/ 中再改，同名文件会代替默认的；"
          "每个模板收到哪些变量，见 docs/content/theme.md（操作手册的“主题模板参考”）。")
    return EXIT_OK


def _deploy(args: argparse.Namespace) -> int:
    """Build the public site as ``build`` does, then upload what changed (never drafts: see _options)."""
    from civicpress.deploy import deploy, load_settings, open_target, prompt_password

    settings = load_settings(args.site)
    options = BuildOptions(site_dir=args.site, out_dir=args.site / "output")
    result = _built(options, args.quiet)
    _finish(result, args.quiet)
    where = settings.path if settings.method == "folder" else f"{settings.user}@{settings.host}:{settings.path}"

    def show(action: str, rel: str) -> None:
        if not args.quiet:
            print(f"  {action} {rel}")

    try:
        with open_target(settings, args.site, prompt_password) as target:
            report = deploy(options.out_dir, target, dry_run=args.dry_run, progress=show)
    except SiteError as exc:
        _report(exc.findings, sys.stderr)
        print("\n失败：没有发布完。已传好的文件记在目标上，重新运行 deploy 会接着传其余的文件。", file=sys.stderr)
        return EXIT_SITE_ERROR
    if report.dry_run:
        for rel in report.uploaded:
            print(f"  将上传 {rel}")
        for rel in report.deleted:
            print(f"  将删除 {rel}")
        print(f"试运行：将上传 {len(report.uploaded)} 个文件，删除 {len(report.deleted)} 个，"
              f"{report.unchanged} 个没有变化；没有改动 {where} 上的任何文件。")
    elif not report.uploaded and not report.deleted:
        print(f"发布完成：{where} 上的网站已是最新，没有要上传的文件（{report.unchanged} 个文件没有变化）。")
    else:
        print(f"发布完成：上传 {len(report.uploaded)} 个文件，删除 {len(report.deleted)} 个，"
              f"{report.unchanged} 个没有变化，目标 {where}。")
    return EXIT_OK


def _print(args: argparse.Namespace) -> int:
    from civicpress.pipeline import build

    options = replace(_options(args), print_only=True)
    result = build(options)
    _finish(result, args.quiet)
    if not args.quiet:
        print(f"完成：{result.pages} 份材料，写入 {result.files} 个文件到 {_display(options.out_dir / 'print')}，"
              f"用时 {result.seconds:.2f} 秒。")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from civicpress.checks.external_links import http_status
    from civicpress.pipeline import check

    result = check(_options(args), fetch=http_status if args.external else None)
    _finish(result, args.quiet)
    if result.awaiting_review:
        print(f"待审核的文章（status: 待审，或要求审核时没有写 status）{len(result.awaiting_review)} 篇：")
        for source in result.awaiting_review:
            print(f"  {source}")
    if not args.quiet:
        print(f"检查通过：{result.pages} 篇文章，{result.files} 个文件，没有错误（未写入任何文件）。")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from civicpress.importer import format_run, import_files, read_inputs

    stdin = sys.stdin.buffer.read() if "-" in args.files else None
    try:
        run = import_files(
            read_inputs(args.files, stdin), args.site, args.section, split_sections=args.split, dry_run=args.dry_run
        )
    except SiteError as exc:
        _report(exc.findings, sys.stderr)
        print(f"\n失败：共 {len(exc.findings)} 个错误，没有导入任何文章。", file=sys.stderr)
        return EXIT_SITE_ERROR
    if args.dry_run:
        for item in run.items:
            for output in (o for o in item.outputs if not o.skipped):
                print(f"===== 将写入 {output.destination.rel} =====\n{output.text}")
    print(format_run(run))
    return EXIT_OK


def _finish(result: BuildResult, quiet: bool) -> None:
    if result.warnings and not quiet:
        _report(result.warnings, sys.stderr)


def _report(findings: tuple[Finding, ...], stream: TextIO) -> None:
    for finding in findings:
        print(finding.format(), file=stream)


def _display(path: Path) -> str:
    """A path as the editor typed it, relative where possible (never this machine's layout)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def _utf8_console() -> None:
    """Chinese text on any console (Windows' cp936 included): never crash on a character."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            reconfigure(errors="replace")
