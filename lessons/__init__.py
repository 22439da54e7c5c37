"""What the teaching pages compute from the engine: measures, statistics, claims, sweeps, interview experiments.

The third floor of four (pages -> ui -> lessons -> engine): NumPy (and scikit-learn, scipy, gensim where a
lesson compares with them) over engine/'s public API; never Streamlit, never ui/. Each module is one idea;
callers import from the module that defines a name (this package re-exports nothing).
"""
