#pragma once

#include "automl/metrics.h"

#include <vector>

namespace easel {

//! Greedy ensemble selection with replacement (Caruana et al. 2004) over
//! out-of-fold predictions: starting from the best single model, repeatedly add
//! the candidate that most improves the ensemble's score, and keep the best
//! ensemble seen. Weights are the selection counts normalised to sum to 1.
struct EnsembleSelection
{
    std::vector<double> weights;  //!< one per candidate; 0 for the unused
    double score = 0;             //!< the ensemble's score
};

//! candidates: predictions on the same rows as truth. threshold: for binary label metrics.
EnsembleSelection selectEnsemble(const std::vector<const Predictions *> &candidates, const std::vector<float> &truth,
                                 Metric metric, ProblemType problem, int iterations = 40, double threshold = 0.5);

//! The weighted average of predictions (weights sum to 1; zero weights skipped).
Predictions blend(const std::vector<const Predictions *> &candidates, const std::vector<double> &weights);

//! How a standard build judges its search. It keeps the ensemble of the candidates a
//! quick build would have had (scoring `first` on rows that did not choose it) unless
//! the search's ensemble (scoring `full` there) is better beyond chance
//! (`clearlyBetter`) and removes at least 1 % of the remaining error (1 − score
//! where higher is better, the score itself where lower is).
enum class SearchVerdict {
    Improved,          //!< take the search's ensemble
    GainTooSmall,      //!< better beyond chance, by under 1 % of the remaining error
    NotClearlyBetter,  //!< not better beyond chance
};
SearchVerdict judgeSearch(Metric metric, double first, double full, bool clearlyBetter);

} // namespace easel
