"""Rebuilding: what one build leaves for the next, and what a long-running process keeps between builds.

The stages (content, model, markup) are pure: they read, assemble and render, and remember
nothing. This package wraps them with state, keys and memos, from the bottom up:

    state      the previous build's records in .civicpress-cache/: input stamps, every output's key and digest
    unchanged  the "nothing changed" shortcut, asked before anything heavy is imported
    memos      serve's memory: unchanged files not read again, unchanged pages not made again,
               rendered Markdown kept on disk by the hash of its text
    keys       the key of each output: what an incremental build makes again

This file imports nothing: the command line's shortcut (``rebuild.unchanged``) passes through
it, and must load only ``options`` and ``rebuild.state``.
"""
