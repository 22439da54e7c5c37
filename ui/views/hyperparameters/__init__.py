"""The Hyperparameters page: what to sweep and the background job (controls.py), the sweep running and its results (results.py)."""
