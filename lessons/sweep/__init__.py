"""A hyperparameter sweep: plan (what can be swept, values read and checked, the runs), run (training the
runs on shared cores, the result cache, the background job) and scores (scoring a run, summaries over seeds,
the verdict)."""
