"""The energy models: associative memories (the Hopfield network and its storage rules, the
bidirectional associative memory, the modern continuous Hopfield network), Boltzmann
machines, the restricted Boltzmann machine, and the sampling and annealing they rest on."""

from typing import TYPE_CHECKING

from nnlearn.lazy import attach

if TYPE_CHECKING:
    from nnlearn.models.energy.acceptance import (
        ACCEPTANCE,
        boltzmann_acceptance,
        metropolis_acceptance,
        metropolis_ratio,
    )
    from nnlearn.models.energy.annealing import SCHEDULES
    from nnlearn.models.energy.bam import BAM, BAMTrace
    from nnlearn.models.energy.boltzmann import AnnealResult, BoltzmannMachine
    from nnlearn.models.energy.boltzmann_learning import PAPER_1985
    from nnlearn.models.energy.divergence import kl_divergence
    from nnlearn.models.energy.encoder import EncoderResult, encoder_experiment
    from nnlearn.models.energy.hopfield import Hopfield, RecallTrace
    from nnlearn.models.energy.hopfield_capacity import (
        absolute_capacity,
        capacity_curve,
        published_absolute_capacity,
        retrieval_curve,
    )
    from nnlearn.models.energy.modern_hopfield import ModernHopfield, ModernRecallTrace
    from nnlearn.models.energy.rbm import RBM

__getattr__, __dir__ = attach(__name__)
