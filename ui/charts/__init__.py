"""The charts the pages draw, by kind; no Streamlit calls here: each function returns a chart, the page draws it.

- style: the palette every page shares and presenter mode's text sizes.
- vega: Vega-Lite basics (VegaChart, titles in lines, labels by position, the layered spec).
- lesson: the Vega-Lite lesson pictures of Home, Corpus and Windows (heatmap, Zipf, keep probability, window grid).
- objectives: the Huffman tree, code lengths and the noise distribution (Vega-Lite).
- colouring, embedding: the embedding picture (groups and their colours; labels, the projection, the live loss).
- figures: Plotly bars, lines, a pair of heatmaps, presenter_style; step: the Step page's light Plotly figures.
- compare, sweep, interview: the Plotly figures of the experiments on those pages.
"""
