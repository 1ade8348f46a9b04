"""Write the navigation line (previous | map | next) at the top of every lesson.

    python -m instructor.navigation

The line sits in a markdown cell between the NAVIGATION markers. It is found by its
marker and rewritten, or a cell holding it is inserted first when it is missing, so
the script can be rerun whenever a unit is added or renamed. Run it before
`make lessons`; a notebook is saved only when its line changes.
"""

import re

import nbformat

from instructor import ROOT

# Every unit in course order: (notebook name without .ipynb, short title).
UNITS = [
    ("00-start-here", "Start here"),
    ("01-convolution-by-hand", "Convolution by hand"),
    ("02-multichannel-kernels", "Multichannel kernels"),
    ("03-translation-equivariance", "Translation equivariance"),
    ("04-receptive-fields", "Receptive fields"),
    ("05-stride-padding-pooling", "Stride, padding, pooling"),
    ("06-pretrained-classification", "Pretrained classification"),
    ("07-transfer-learning", "Transfer learning"),
    ("08-what-networks-learn", "What networks learn"),
]
START, END = "<!--NAVIGATION-->", "<!--/NAVIGATION-->"
BLOCK = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)


def navigation(name: str) -> str:
    """The marked navigation block for the unit whose notebook is ``name``."""
    names = [unit for unit, _ in UNITS]
    index = names.index(name)
    links = [f"[Map]({names[0]}.ipynb)"]
    if index > 0:
        unit, title = UNITS[index - 1]
        links.insert(0, f"< [{unit[:2]} · {title}]({unit}.ipynb)")
    if index + 1 < len(UNITS):
        unit, title = UNITS[index + 1]
        links.append(f"[{unit[:2]} · {title} >]({unit}.ipynb)")
    return f"{START}\n{' | '.join(links)}\n{END}"


def update(path) -> bool:
    """Rewrite (or insert) the navigation block of one notebook; True if it changed."""
    notebook = nbformat.read(path, as_version=4)
    block = navigation(path.stem)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and START in cell.source:
            if not BLOCK.search(cell.source):
                raise ValueError(f"{path.name}: {START} has no closing {END}")
            new_source = BLOCK.sub(lambda _: block, cell.source, count=1)
            if new_source == cell.source:
                return False
            cell.source = new_source
            break
    else:
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(block))
    nbformat.write(notebook, path)
    return True


if __name__ == "__main__":
    known = {unit for unit, _ in UNITS}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if path.stem not in known:
            print(f"{path.name}: not a unit in instructor/navigation.py UNITS, skipped")
        else:
            print(f"{path.name}: {'updated' if update(path) else 'already up to date'}")
