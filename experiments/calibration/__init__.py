"""Calibration: fit free parameters of a scenario to observed figures by ABC-SMC, check the fit, and carry
the posterior into comparisons.

    python run.py calibrate scenarios/calibration/chengdu_hotline.toml --out out/calibration/chengdu --jobs 2
    python run.py compare baseline xiangyang_2024 --posterior out/calibration/chengdu --reps 20

- `spec`: the calibration file (TOML) and its observation file, validated;
- `abc`: the batch-synchronous ABC-SMC sampler (same posterior for any number of workers), its runs through
  `experiments.worker_pool.WorkerPool` (local workers or Dask), started once and warm across the generations;
- `generations`: what the sampler makes and the driver and report read (`Generation`, `AbcResult`, the
  weighted population's statistics) and its record in ``out/generations`` (resume continues from it);
- `distance`: the ABC distance, shared by the driver and the workers (exact early rejection);
- `simulate`: the worker side (one particle's runs, side by side, reduced to the observed numbers);
- `outputs`, `driver`: the output folder; `cli`: ``run.py calibrate``.

`load_posterior` / `Posterior` live in `scenarios.posterior` (a posterior is run input, like a scenario)
and are re-exported here.
"""

from experiments.calibration.driver import run_calibration
from experiments.calibration.spec import CalibrationSpec, load_calibration
from scenarios.posterior import Posterior, load_posterior

__all__ = ["CalibrationSpec", "Posterior", "load_calibration", "load_posterior", "run_calibration"]
