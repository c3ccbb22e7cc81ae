"""civicpress: a static site generator for Chinese community reporting.

One source (Markdown articles and YAML data in ``content/``) builds the community website
and the printable exchange materials.
"""

__version__ = "0.1.0"
