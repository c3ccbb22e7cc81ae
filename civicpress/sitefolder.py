"""The site folder's layout: the one place that names what an editor's site folder holds.

    site_config.yaml   settings                 (config)
    content/           articles, pages, files   (content)
      _data/           data files
      materials/       exchange materials for print
    templates/         templates overriding the theme's (templating)
    static/            files copied as they are (writers.static_files)
    .civicpress-cache/ what earlier builds left for the next (rebuild.state)
"""

CONFIG_FILE = "site_config.yaml"
CONTENT_DIR = "content"
DATA_DIR = "_data"  # inside content/
MATERIALS_DIR = "materials"  # inside content/: exchange materials for print, not a section of the website
TEMPLATES_DIR = "templates"
STATIC_DIR = "static"
CACHE_DIR = ".civicpress-cache"

INPUT_FOLDERS = (CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR)  # every folder an editor writes in
