// The build runner: validation scheme, preprocessing per fold, the trial loop
// (portfolio for quick builds, Parzen search with pruning for standard ones),
// ensemble selection over out-of-fold predictions, and the model bundle.
#include "automl/build.h"

#include "automl/ensemble.h"
#include "automl/preprocess.h"
#include "automl/search.h"
#include "automl/trainer_registry.h"
#include "explain/bundle_annotations.h"
#include "model/drift.h"
#include "store/hash64.h"

#include <easel/version.h>

#include <QDateTime>
#include <QJsonArray>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <numeric>
#include <random>

namespace easel {

namespace {

using Clock = std::chrono::steady_clock;

//! A standard build's search stops after this many candidates without a better model.
constexpr int kSearchPatience = 60;
//! Candidates of a family scoring the same in a row, after which its search is left.
constexpr int kSettledAfter = 3;
//! A first forest (a fold it cannot stop half-way, of a cost nothing measured yet)
//! starts only with at least this many seconds left; a quick build has 30 at a quarter.
constexpr double kFirstForestSeconds = 20.0;
//! How far, as a part of the budget, a candidate other than a forest may look like
//! overrunning after a fold before it is stopped there (runTrial).
constexpr double kFoldSlack = 0.05;

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

QString flavourName(FeatureFlavour f)
{
    switch (f) {
    case FeatureFlavour::Trees: return QStringLiteral("trees");
    case FeatureFlavour::Scaled: return QStringLiteral("scaled");
    case FeatureFlavour::Embedded: return QStringLiteral("embedded");
    }
    return QStringLiteral("trees");
}

bool isLabelMetric(Metric m)
{
    switch (m) {
    case Metric::Accuracy:
    case Metric::BalancedAccuracy:
    case Metric::F1:
    case Metric::Precision:
    case Metric::Recall:
    case Metric::MacroF1: return true;
    default: return false;
    }
}

bool rewardsRareClass(Metric m)
{
    return m == Metric::BalancedAccuracy || m == Metric::F1 || m == Metric::Recall || m == Metric::Precision
           || m == Metric::MacroF1;
}

QString humanDuration(double seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(std::max(1, int(std::lround(seconds))));
    return QStringLiteral("%1 min").arg(std::max(1, int(std::lround(seconds / 60))));
}

QString familyOrderKey(const QString &family)
{
    // The linear model first: it takes a second or two, gives the progress page a
    // score at once, and is then no longer waiting for a share of the time (runTrial).
    static const QStringList preferred = {QStringLiteral("linear"), QStringLiteral("xgboost"),
                                          QStringLiteral("random_forest"), QStringLiteral("mlp")};
    const qsizetype i = preferred.indexOf(family);
    return QStringLiteral("%1_%2").arg(i < 0 ? 99 : i, 2, 10, QLatin1Char('0')).arg(family);
}

struct FoldData
{
    Preprocessor pipeline;
    FeatureMatrix trainX, validX;
    std::vector<float> trainY, validY, trainW;
    //! The rows the trainer early-stops (and picks its L2 / epoch / round count) on: a
    //! part of the fold's training rows, so that the scored rows choose nothing about
    //! the model that predicts them. Empty when the fold is too small to spare them;
    //! the trainer then stops on validX, as before.
    FeatureMatrix stopX;
    std::vector<float> stopY, stopW;
    bool hasStop = false;
    //! trainX and stopX together, for trainers that choose nothing on their validation
    //! rows (see Trainer::choosesOnValidation); built when one first asks.
    FeatureMatrix allX;
    std::vector<float> allY, allW;
    bool hasAll = false;

    void joinStopRows()
    {
        if (hasAll || !hasStop)
            return;
        allX = trainX;
        allX.rows += stopX.rows;
        allX.values.insert(allX.values.end(), stopX.values.begin(), stopX.values.end());
        allX.cats.insert(allX.cats.end(), stopX.cats.begin(), stopX.cats.end());
        allY = trainY;
        allY.insert(allY.end(), stopY.begin(), stopY.end());
        if (!trainW.empty()) {
            allW = trainW;
            allW.insert(allW.end(), stopW.begin(), stopW.end());
        }
        hasAll = true;
    }
};

//! The share of a fold's training rows set aside for early stopping: 12 %, at most
//! 10 000 rows. None when fewer than 40 rows would be left to fit on.
double earlyStoppingShare(size_t trainRows)
{
    if (trainRows < 48)
        return 0;
    return std::min(0.12, 10000.0 / double(trainRows));
}

struct FlavourData
{
    bool ready = false;
    Error error;
    std::vector<FoldData> folds;
};

struct Trial
{
    TrialRecord record;
    FeatureFlavour flavour = FeatureFlavour::Trees;
    Predictions oof;                              //!< on the scored rows
    std::vector<std::unique_ptr<Model>> models;   //!< one per fold
    std::map<QString, double> importance;         //!< per input column, summed over folds
    double firstFoldScore = std::numeric_limits<double>::quiet_NaN();
    //! The out-of-fold score on each half of the scored rows (see Runner::m_half).
    double halfScore[2] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
};

class Runner
{
public:
    Runner(const Table &table, const BuildSpec &spec, TrainerRegistry &registry, TaskContext *ctx,
           const BuildObserver &observer)
        : m_table(table), m_spec(spec), m_registry(registry), m_ctx(ctx), m_observer(observer)
    {}

    Result<BuildResult> run();

private:
    Status prepare();
    FlavourData &flavourData(FeatureFlavour flavour);
    std::unique_ptr<Trial> runTrial(Trainer *trainer, const QJsonObject &params, bool allowPruning);
    double scoreOf(const Predictions &pred) const;
    double oriented(double score) const { return higherIsBetter(m_metric) ? score : -score; }
    void log(const QString &line);
    void reportProgress(const QString &what);
    double remaining() const { return m_budget - secondsSince(m_start); }
    Result<BuildResult> finish();
    QJsonArray inputSchema(const QStringList &columns) const;
    //! The ensemble's candidates among ranked (best first) trials with id ≤ upTo: the
    //! best few of each family, at most 20, so that many close variants of one family
    //! found by the search do not crowd the other families out.
    //! needModels: only trials whose fold models are still held (else: whose out-of-fold
    //! predictions are).
    std::vector<Trial *> candidatePool(const std::vector<Trial *> &ranked, size_t upTo, bool needModels = true) const;
    //! Trials with out-of-fold predictions, best first by their score on one half of the scored rows.
    std::vector<Trial *> rankedOnHalf(int half) const;
    bool hasUsableModel() const;  //!< a trial has finished with its models kept
    //! Families other than this one that have not had a candidate yet.
    int familiesWaiting(const QString &own) const;
    //! Honest out-of-fold predictions of the ensemble of trials with id ≤ upTo: on each
    //! half of the scored rows, the predictions of the ensemble whose candidates and
    //! weights were chosen on the other half only. Empty when a half has no candidate.
    Predictions crossFitted(size_t upTo) const;
    //! Is a's score better than b's on the scored rows beyond chance? A paired bootstrap:
    //! a must win in at least 90 % of the resamples.
    bool clearlyBetter(const Predictions &a, const Predictions &b) const;

    const Table &m_table;
    BuildSpec m_spec;
    TrainerRegistry &m_registry;
    TaskContext *m_ctx;
    const BuildObserver &m_observer;

    Clock::time_point m_start;
    double m_budget = 120;
    double m_reserve = 2;
    QStringList m_families;  //!< the families this build trains
    int m_threads = 1;
    //! Standard builds: the trials (ids ≤ this) a quick build would have stopped after.
    size_t m_quickCut = std::numeric_limits<size_t>::max();
    //! The build's own time; m_budget is less during a standard build's quick phase.
    double m_fullBudget = 0;
    TargetInfo m_target;
    Metric m_metric = Metric::Rmse;
    int m_outputs = 1;
    std::vector<float> m_y;             //!< per table row
    std::vector<size_t> m_rows;         //!< usable rows
    std::vector<Fold> m_folds;
    std::vector<float> m_truth;         //!< target of the scored rows (concatenated fold validation rows)
    //! The scored rows split at random into two halves (0, 1), and the truth with the
    //! other half's rows set to NaN (which metrics skip): a standard build compares its
    //! ensembles on rows that did not choose them.
    std::vector<uint8_t> m_half;
    std::vector<float> m_halfTruth[2];
    std::map<FeatureFlavour, FlavourData> m_data;
    std::vector<std::unique_ptr<Trial>> m_trials;
    std::map<QString, double> m_familySeconds;
    //! How many times longer a family's fit takes here than on a binary problem:
    //! the number of classes for trainers whose time grows with it, else 1.
    std::map<QString, double> m_classFactor;
    //! What a whole forest would have taken, for forests stopped between folds.
    std::map<QString, double> m_projectedSeconds;
    std::map<QString, std::vector<double>> m_firstFoldScores;
    int m_expectedTrials = 1;
    QStringList m_gpuFamilies;  //!< with --gpu: the families whose trainer can use it
    double m_bestScore = std::numeric_limits<double>::quiet_NaN();
    //! The time limit ended the search or kept a candidate out (not the search's own
    //! stopping rule): a longer limit may do better, and a rerun may choose differently.
    bool m_timeLimited = false;
    BuildResult m_result;
};

void Runner::log(const QString &line)
{
    m_result.log << line;
    if (m_observer.log)
        m_observer.log(line);
}

void Runner::reportProgress(const QString &what)
{
    if (!m_ctx)
        return;
    const double elapsed = secondsSince(m_start);
    const int done = int(m_trials.size());
    QString message = QStringLiteral("%1 of ~%2 candidates tried").arg(done).arg(std::max(done, m_expectedTrials));
    if (!what.isEmpty())
        message += QStringLiteral(" · ") + what;
    message += QStringLiteral(" · about %1 left").arg(humanDuration(std::max(0.0, m_budget - elapsed)));
    m_ctx->progress(std::min(0.99, elapsed / m_budget), message);
}

Status Runner::prepare()
{
    Result<TargetInfo> target = m_spec.problem ? targetAs(m_table, m_spec.target, *m_spec.problem)
                                               : detectTarget(m_table, m_spec.target);
    if (!target)
        return Status(target.error());
    m_target = *target;
    m_metric = m_spec.metric ? *m_spec.metric : defaultMetric(m_target.problem);
    if (!metricApplies(m_metric, m_target.problem))
        return Status::failure(ErrorCode::InvalidArgument,
                               QStringLiteral("The metric %1 does not apply to a %2 problem. Choose another metric.")
                                   .arg(metricLabel(m_metric), problemTypeName(m_target.problem)));
    m_outputs = m_target.problem == ProblemType::Multiclass ? int(m_target.classLabels.size()) : 1;
    m_y = encodeTarget(m_table, m_target);
    for (size_t r = 0; r < m_table.rowCount(); ++r)
        if (!std::isnan(m_y[r]))
            m_rows.push_back(r);

    if (m_spec.mode == BuildMode::Preview && m_rows.size() > 20000) {
        std::mt19937_64 rng(m_spec.seed + 17);
        for (size_t i = m_rows.size() - 1; i > 0; --i)
            std::swap(m_rows[i], m_rows[size_t(rng() % (i + 1))]);
        m_rows.resize(20000);
        std::sort(m_rows.begin(), m_rows.end());
        log(QStringLiteral("Preview: using a sample of 20 000 rows."));
    }

    if (m_spec.mode == BuildMode::Preview) {
        m_folds = {makeHoldout(m_rows, m_y, m_target.problem, 0.25, m_spec.seed)};
        log(QStringLiteral("Validation: 25 % of the rows held out."));
    } else if (m_rows.size() > m_spec.holdoutAboveRows || m_spec.folds == 1) {
        m_folds = {makeHoldout(m_rows, m_y, m_target.problem, 0.2, m_spec.seed)};
        log(QStringLiteral("Validation: 20 % of the %1 rows held out.").arg(m_rows.size()));
    } else {
        const int k = m_spec.folds >= 2 ? m_spec.folds : (m_rows.size() < 2000 ? 10 : 5);
        m_folds = makeFolds(m_rows, m_y, m_target.problem, k, m_spec.seed);
        log(QStringLiteral("Validation: %1-fold cross-validation over %2 rows.").arg(m_folds.size()).arg(m_rows.size()));
    }
    if (!m_folds.empty() && earlyStoppingShare(m_folds.front().train.size()) > 0)
        log(QStringLiteral("Each model stops early on %1 % of its training rows, never on the rows that score it; "
                           "forests and linear models, which do not stop early, fit on all of them.")
                .arg(std::lround(earlyStoppingShare(m_folds.front().train.size()) * 100)));
    for (const Fold &f : m_folds)
        for (size_t r : f.valid)
            m_truth.push_back(m_y[r]);
    std::mt19937_64 rng(m_spec.seed + 11);
    m_half.resize(m_truth.size());
    for (uint8_t &h : m_half)
        h = uint8_t(rng() & 1);
    for (int h = 0; h < 2; ++h) {
        m_halfTruth[h] = m_truth;
        for (size_t i = 0; i < m_truth.size(); ++i)
            if (m_half[i] != h)
                m_halfTruth[h][i] = std::numeric_limits<float>::quiet_NaN();
    }
    return Status::success();
}

FlavourData &Runner::flavourData(FeatureFlavour flavour)
{
    FlavourData &data = m_data[flavour];
    if (data.ready || data.error.code != ErrorCode::None)
        return data;
    PreprocessOptions options;
    options.flavour = flavour;
    options.excluded = m_spec.dropped;
    options.seed = m_spec.seed;

    // Class weights only where the metric rewards finding the rare class.
    std::vector<double> classWeight;
    if (m_target.problem != ProblemType::Regression && rewardsRareClass(m_metric)) {
        std::vector<double> counts(m_target.classLabels.size(), 0.0);
        for (size_t r : m_rows)
            counts[size_t(m_y[r])] += 1;
        const double minShare = *std::min_element(counts.begin(), counts.end()) / double(m_rows.size());
        if (minShare < 0.2) {
            for (double c : counts)
                classWeight.push_back(c > 0 ? double(m_rows.size()) / (double(counts.size()) * c) : 1.0);
            log(QStringLiteral("The rarest class is %1 % of the rows: rows are weighted so each class counts equally.")
                    .arg(minShare * 100, 0, 'f', 1));
        }
    }

    for (size_t f = 0; f < m_folds.size(); ++f) {
        const Fold &fold = m_folds[f];
        // The early-stopping rows are held out of the fold's preprocessing too, so that
        // their target encoding is as unseen as the scored rows'.
        const double share = earlyStoppingShare(fold.train.size());
        Fold inner;
        if (share > 0)
            inner = makeHoldout(fold.train, m_y, m_target.problem, share, m_spec.seed + 101 + uint64_t(f));
        else
            inner.train = fold.train;
        const std::vector<size_t> &fitRows = inner.train;
        Result<Preprocessor> pipeline = Preprocessor::fit(m_table, fitRows, m_target, m_y, options);
        if (!pipeline) {
            data.error = pipeline.error();
            return data;
        }
        FoldData fd;
        fd.pipeline = std::move(*pipeline);
        fd.trainX = fd.pipeline.transformTraining(m_table, fitRows);
        fd.validX = fd.pipeline.transform(m_table, fold.valid);
        if (!inner.valid.empty()) {
            fd.stopX = fd.pipeline.transform(m_table, inner.valid);
            for (size_t r : inner.valid)
                fd.stopY.push_back(m_y[r]);
            fd.hasStop = true;
        }
        for (size_t r : fitRows)
            fd.trainY.push_back(m_y[r]);
        for (size_t r : fold.valid)
            fd.validY.push_back(m_y[r]);
        if (!classWeight.empty()) {
            for (float y : fd.trainY)
                fd.trainW.push_back(float(classWeight[size_t(y)]));
            for (float y : fd.stopY)
                fd.stopW.push_back(float(classWeight[size_t(y)]));
        }
        data.folds.push_back(std::move(fd));
    }
    data.ready = true;
    return data;
}

double Runner::scoreOf(const Predictions &pred) const
{
    return computeMetric(m_metric, m_target.problem, m_truth, pred, 0.5);
}

std::vector<Trial *> Runner::candidatePool(const std::vector<Trial *> &ranked, size_t upTo, bool needModels) const
{
    constexpr int kPerFamily = 5;
    constexpr size_t kPool = 20;
    std::vector<Trial *> pool;
    std::map<QString, int> perFamily;
    for (Trial *t : ranked) {
        const bool held = needModels ? !t->models.empty() : !t->oof.values.empty();
        if (size_t(t->record.id) > upTo || !held || perFamily[t->record.family]++ >= kPerFamily)
            continue;
        pool.push_back(t);
        if (pool.size() == kPool)
            break;
    }
    return pool;
}

int Runner::familiesWaiting(const QString &own) const
{
    return int(std::count_if(m_families.begin(), m_families.end(), [this, &own](const QString &f) {
        return f != own && m_familySeconds.find(f) == m_familySeconds.end();
    }));
}

bool Runner::hasUsableModel() const
{
    for (const auto &t : m_trials)
        if (trial_status::ranked(t->record.status)
            && !t->models.empty() && !std::isnan(t->record.score))
            return true;
    return false;
}

std::vector<Trial *> Runner::rankedOnHalf(int half) const
{
    std::vector<Trial *> ranked;
    for (const auto &t : m_trials)
        if (!t->oof.values.empty() && !std::isnan(t->record.score) && !std::isnan(t->halfScore[half]))
            ranked.push_back(t.get());
    std::stable_sort(ranked.begin(), ranked.end(), [this, half](const Trial *a, const Trial *b) {
        return oriented(a->halfScore[half]) > oriented(b->halfScore[half]);
    });
    return ranked;
}

Predictions Runner::crossFitted(size_t upTo) const
{
    const size_t k = size_t(m_outputs);
    Predictions out{m_truth.size(), m_outputs,
                    std::vector<float>(m_truth.size() * k, std::numeric_limits<float>::quiet_NaN())};
    for (int h = 0; h < 2; ++h) {
        const int other = 1 - h;
        const std::vector<Trial *> pool = candidatePool(rankedOnHalf(other), upTo, false);
        if (pool.empty())
            return {};
        std::vector<const Predictions *> candidates;
        for (const Trial *t : pool)
            candidates.push_back(&t->oof);
        const std::vector<double> weights =
            selectEnsemble(candidates, m_halfTruth[other], m_metric, m_target.problem, 40, 0.5).weights;
        const Predictions blended = blend(candidates, weights);
        for (size_t i = 0; i < m_truth.size(); ++i)
            if (m_half[i] == h)
                std::copy_n(blended.values.begin() + qsizetype(i * k), k, out.values.begin() + qsizetype(i * k));
    }
    return out;
}

bool Runner::clearlyBetter(const Predictions &a, const Predictions &b) const
{
    const size_t n = m_truth.size();
    const int resamples = n > 20000 ? 100 : 200;
    std::mt19937_64 rng(m_spec.seed + 7);
    std::vector<float> truth(n);
    Predictions ra, rb;
    ra.rows = rb.rows = n;
    ra.outputs = rb.outputs = a.outputs;
    ra.values.resize(a.values.size());
    rb.values.resize(b.values.size());
    const size_t k = size_t(std::max(1, a.outputs));
    int wins = 0;
    for (int s = 0; s < resamples; ++s) {
        for (size_t i = 0; i < n; ++i) {
            const size_t r = size_t(rng() % n);
            truth[i] = m_truth[r];
            std::copy_n(a.values.begin() + qsizetype(r * k), k, ra.values.begin() + qsizetype(i * k));
            std::copy_n(b.values.begin() + qsizetype(r * k), k, rb.values.begin() + qsizetype(i * k));
        }
        const double sa = computeMetric(m_metric, m_target.problem, truth, ra, 0.5);
        const double sb = computeMetric(m_metric, m_target.problem, truth, rb, 0.5);
        wins += !std::isnan(sa) && (std::isnan(sb) || oriented(sa) > oriented(sb));
    }
    return wins >= int(0.9 * resamples);
}

std::unique_ptr<Trial> Runner::runTrial(Trainer *trainer, const QJsonObject &params, bool allowPruning)
{
    auto trial = std::make_unique<Trial>();
    trial->record.id = int(m_trials.size()) + 1;
    trial->record.family = trainer->family();
    trial->record.params = params;
    trial->record.score = std::numeric_limits<double>::quiet_NaN();
    trial->flavour = trainer->capabilities().flavour;
    if (m_observer.trialStarted)
        m_observer.trialStarted(trial->record);
    const auto started = Clock::now();

    FlavourData &data = flavourData(trial->flavour);
    if (!data.ready) {
        trial->record.status = QString(trial_status::Failed);
        trial->record.message = data.error.message;
        return trial;
    }
    trial->oof.rows = m_truth.size();
    trial->oof.outputs = m_outputs;
    trial->oof.values.assign(m_truth.size() * size_t(m_outputs), 0.0f);

    TaskContext fitContext;
    fitContext.setParent(m_ctx);
    size_t offset = 0;
    double iterations = 0;
    bool cutShort = false;
    QString changed;  // what the trainer changed in the settings (the first fold that did)
    // A trainer that chooses nothing on its validation rows fits on the early-stopping
    // rows too: a forest on 12 % fewer rows loses more than its curve gains.
    const bool ownRows = trainer->choosesOnValidation(m_target.problem);
    // While other families wait for their first candidate, this one gets its share of
    // the time left, not all of it: on 26 classes the first boosted-tree candidate ran
    // to the deadline and kept out a network that halved its log loss (1.01 → 0.47).
    const int waiting = familiesWaiting(trainer->family());
    const double share = waiting > 0 ? (remaining() - m_reserve) / double(1 + waiting)
                                     : std::numeric_limits<double>::infinity();
    for (size_t f = 0; f < data.folds.size(); ++f) {
        FoldData &fd = data.folds[f];
        if (!ownRows)
            fd.joinStopRows();
        FitOptions options;
        options.problem = m_target.problem;
        options.numClasses = m_target.problem == ProblemType::Regression ? 1 : int(m_target.classLabels.size());
        options.params = params;
        options.threads = m_threads;
        options.seed = m_spec.seed + uint64_t(f);
        options.useGpu = m_spec.useGpu;
        const double timeLeft = std::min(remaining() - m_reserve, share - secondsSince(started));
        options.deadlineSeconds = std::max(0.5, timeLeft / double(data.folds.size() - f));
        const bool joined = !ownRows && fd.hasAll;
        const FeatureMatrix *validX = ownRows ? (fd.hasStop ? &fd.stopX : &fd.validX) : nullptr;
        const std::vector<float> *validY = ownRows ? (fd.hasStop ? &fd.stopY : &fd.validY) : nullptr;
        Result<std::unique_ptr<Model>> model =
            trainer->fit(joined ? fd.allX : fd.trainX, joined ? fd.allY : fd.trainY, joined ? fd.allW : fd.trainW,
                         validX, validY, options, &fitContext);
        if (!model) {
            trial->record.status = model.error().code == ErrorCode::Canceled ? QString(trial_status::Canceled)
                                                                                : QString(trial_status::Failed);
            trial->record.message = model.error().message;
            trial->record.seconds = secondsSince(started);
            return trial;
        }
        Result<Predictions> pred = (*model)->predict(fd.validX);
        if (!pred || pred->values.size() != fd.validY.size() * size_t(m_outputs)) {
            trial->record.status = QString(trial_status::Failed);
            trial->record.message = pred ? QStringLiteral("The model returned the wrong number of predictions.")
                                         : pred.error().message;
            trial->record.seconds = secondsSince(started);
            return trial;
        }
        std::copy(pred->values.begin(), pred->values.end(), trial->oof.values.begin() + qsizetype(offset * m_outputs));
        const FitReport &report = (*model)->fitReport();
        iterations += report.iterations;
        if (f == 0 && !report.validCurve.empty()) {
            // The training curve the progress page draws, thinned to at most 200 points.
            const size_t n = report.validCurve.size();
            const size_t step = (n + 199) / 200;
            for (size_t i = 0; i < n; i += step)
                trial->record.curve.push_back(report.validCurve[i]);
        }
        if (report.stoppedAtDeadline)
            cutShort = true;
        if (changed.isEmpty())
            changed = report.changedSettings;

        // Importance per input column.
        const std::vector<double> imp = (*model)->importance();
        const QStringList inputs = fd.pipeline.inputColumns();
        double total = 0;
        for (double v : imp)
            total += std::abs(v);
        if (total > 0) {
            for (size_t i = 0; i < imp.size(); ++i) {
                int src = -1;
                if (i < fd.trainX.cols)
                    src = i < fd.trainX.sourceColumn.size() ? fd.trainX.sourceColumn[i] : -1;
                else if (i - fd.trainX.cols < fd.trainX.catSourceColumn.size())
                    src = fd.trainX.catSourceColumn[i - fd.trainX.cols];
                if (src >= 0 && src < inputs.size())
                    trial->importance[inputs[src]] += std::abs(imp[i]) / total;
            }
        }
        trial->models.push_back(std::move(*model));

        // Successive-halving style pruning: after the first fold, stop candidates
        // clearly worse than the family's typical first-fold score.
        if (f == 0 && data.folds.size() > 1) {
            std::vector<float> truth(m_truth.begin(), m_truth.begin() + qsizetype(fd.validY.size()));
            Predictions first{fd.validY.size(), m_outputs,
                              std::vector<float>(pred->values.begin(), pred->values.end())};
            trial->firstFoldScore = oriented(computeMetric(m_metric, m_target.problem, truth, first, 0.5));
            std::vector<double> &seen = m_firstFoldScores[trial->record.family];
            if (allowPruning && seen.size() >= 4) {
                std::vector<double> sorted = seen;
                std::sort(sorted.begin(), sorted.end());
                const double median = sorted[sorted.size() / 2];
                if (trial->firstFoldScore < median) {
                    seen.push_back(trial->firstFoldScore);
                    trial->record.status = QString(trial_status::Pruned);
                    trial->record.message =
                        QStringLiteral("Stopped after the first fold: worse than most earlier candidates of this family.");
                    trial->record.seconds = secondsSince(started);
                    trial->record.score = std::numeric_limits<double>::quiet_NaN();
                    return trial;
                }
            }
            seen.push_back(trial->firstFoldScore);
        }
        offset += fd.validY.size();
        if (isCanceled(m_ctx))
            break;
        // Once a candidate's remaining folds, at the pace of those done, would not finish
        // in time, stop it here. A forest is one round that cannot stop half-way; other
        // trainers keep to each fold's deadline, but a network's first epoch cannot stop
        // either: on a 12 s build of adult on a busy machine, a network given 1.1 s a fold
        // took 1.7 s and would have overrun the budget by a third. They get a little
        // slack, since a fold that keeps its deadline leaves the rest just fitting.
        // Never when it is the build's only chance of a model (no other family, none
        // finished yet): a build that ends with nothing is worse than one that
        // overruns its time by a fold or two.
        // While a family has not been tried yet, a forest may take at most half of the
        // time left: on large tables one forest took two thirds of a quick build and
        // kept out a network that beat it (california_housing, diamonds).
        const size_t done = f + 1;
        if (done < data.folds.size() && (m_families.size() > 1 || hasUsableModel())) {
            const bool forest = trial->record.family == QLatin1String("random_forest");
            const double pace = secondsSince(started) / double(done);
            const double rest = pace * double(data.folds.size() - done);
            const double left = remaining() - m_reserve;
            const double slack = forest ? 0.0 : std::max(0.5, kFoldSlack * m_budget);
            const bool overrun = rest > left + slack;
            if (overrun || (forest && rest > 0.5 * left && familiesWaiting(trial->record.family) > 0)) {
                // Not "pruned": nothing says the candidate was poor, only slow.
                trial->record.status = QString(trial_status::OutOfTime);
                trial->record.message =
                    (overrun ? QStringLiteral("Stopped after %1 of %2 folds: the rest would not finish within the "
                                              "time limit.")
                             : QStringLiteral("Stopped after %1 of %2 folds: the rest would take more than half of "
                                              "the time left, which the families not tried yet need."))
                        .arg(done)
                        .arg(data.folds.size());
                trial->record.seconds = secondsSince(started);
                // What a whole one costs, for deciding whether another may start.
                double &projected = m_projectedSeconds[trial->record.family];
                projected = std::max(projected, pace * double(data.folds.size()));
                trial->models.clear();
                trial->oof.values.clear();
                return trial;
            }
        }
    }
    if (trial->models.size() != data.folds.size()) {
        trial->record.status = QString(trial_status::Canceled);
        trial->record.seconds = secondsSince(started);
        return trial;
    }
    trial->record.iterations = int(std::lround(iterations / double(data.folds.size())));
    trial->record.score = scoreOf(trial->oof);
    if (m_spec.mode == BuildMode::Standard)
        for (int h = 0; h < 2; ++h)
            trial->halfScore[h] = computeMetric(m_metric, m_target.problem, m_halfTruth[h], trial->oof, 0.5);
    trial->record.status = cutShort ? QString(trial_status::CutShort) : QString(trial_status::Finished);
    // Not when the clock was a standard build's quick phase's: the build had more time.
    if (cutShort && m_budget >= m_fullBudget)
        m_timeLimited = true;
    QStringList message;
    if (cutShort)
        message << QStringLiteral("Stopped early to keep within the time limit.");
    if (!changed.isEmpty())
        message << changed;
    trial->record.message = message.join(QLatin1Char(' '));
    trial->record.seconds = secondsSince(started);
    if (std::isnan(trial->record.score)) {
        trial->record.status = QString(trial_status::Failed);
        trial->record.message = QStringLiteral("The model's predictions could not be scored.");
    }
    return trial;
}

QJsonArray Runner::inputSchema(const QStringList &columns) const
{
    QJsonArray schema;
    for (const QString &name : columns) {
        const int index = m_table.indexOf(name);
        if (index < 0)
            continue;
        const Column &c = m_table.column(size_t(index));
        QJsonObject o{{QStringLiteral("name"), name}, {QStringLiteral("type"), columnTypeName(c.type())}};
        // Free text: its words are read, so a new text is as good as a known one; the
        // form offers a line to type in, filled with the first training row's text.
        int64_t distinct = 0, present = 0;
        int32_t example = -1;
        if (c.type() == ColumnType::Text && c.storage() == Storage::String) {
            std::vector<char> seen(c.dictionary().size(), 0);
            for (size_t r : m_rows)
                if (const int32_t code = c.codes()[r]; code >= 0) {
                    ++present;
                    distinct += !seen[size_t(code)];
                    seen[size_t(code)] = 1;
                    if (example < 0)
                        example = code;
                }
        }
        if (isFreeText(c.type(), distinct, present)) {
            o.insert(QStringLiteral("free_text"), true);
            o.insert(QStringLiteral("example"), QString::fromStdString(c.dictionary()[size_t(example)]));
        } else if (c.storage() == Storage::String && c.dictionary().size() <= 1000) {
            // Levels by frequency, most common first: the order a form's drop-down shows.
            std::vector<int64_t> counts(c.dictionary().size(), 0);
            for (int32_t code : c.codes())
                if (code >= 0)
                    ++counts[size_t(code)];
            std::vector<size_t> order(counts.size());
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return counts[a] > counts[b]; });
            QJsonArray levels;
            for (size_t i : order)
                if (counts[i] > 0)
                    levels.append(QString::fromStdString(c.dictionary()[i]));
            o.insert(QStringLiteral("levels"), levels);
        } else if (isNumeric(c.type()) || isTemporal(c.type()) || c.type() == ColumnType::Boolean) {
            double lo = std::numeric_limits<double>::infinity(), hi = -lo;
            for (size_t r : m_rows) {
                const double v = c.numberAt(r);
                if (std::isfinite(v)) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
            if (lo <= hi) {
                o.insert(QStringLiteral("min"), lo);
                o.insert(QStringLiteral("max"), hi);
            }
        }
        schema.append(o);
    }
    return schema;
}

Result<BuildResult> Runner::finish()
{
    BuildResult &result = m_result;
    result.target = m_target;
    result.metric = m_metric;
    for (const auto &t : m_trials)
        result.trials.push_back(t->record);

    std::vector<Trial *> ranked;  // every scored trial, for the leaderboard
    for (const auto &t : m_trials)
        if (trial_status::ranked(t->record.status)
            && !std::isnan(t->record.score))
            ranked.push_back(t.get());
    std::stable_sort(ranked.begin(), ranked.end(), [this](const Trial *a, const Trial *b) {
        return oriented(a->record.score) > oriented(b->record.score);
    });
    for (const Trial *t : ranked)
        result.leaderboard.push_back(t->record);
    std::vector<Trial *> finished;  // those whose models are still held: the ensemble's candidates
    for (Trial *t : ranked)
        if (!t->models.empty())
            finished.push_back(t);
    if (finished.empty()) {
        if (isCanceled(m_ctx))
            return Result<BuildResult>::failure(ErrorCode::Canceled,
                                                QStringLiteral("The build was stopped before any model finished."));
        QString why;
        for (const auto &t : m_trials)
            if (!t->record.message.isEmpty()) {
                why = t->record.message;
                break;
            }
        return Result<BuildResult>::failure(
            ErrorCode::Internal, QStringLiteral("No model could be trained in the time given. %1")
                                     .arg(why.isEmpty() ? QStringLiteral("Give the build more time.") : why));
    }
    result.bestSingleScore = finished.front()->record.score;

    // Ensemble selection over the best candidates' out-of-fold predictions.
    auto ensembleOf = [&](const std::vector<Trial *> &pool, std::vector<double> *weights) {
        std::vector<const Predictions *> candidates;
        for (const Trial *t : pool)
            candidates.push_back(&t->oof);
        if (m_spec.mode == BuildMode::Preview) {
            weights->assign(pool.size(), 0.0);
            weights->front() = 1.0;
        } else {
            *weights = selectEnsemble(candidates, m_truth, m_metric, m_target.problem, 40, 0.5).weights;
        }
        return blend(candidates, *weights);
    };
    std::vector<Trial *> chosen = candidatePool(finished, std::numeric_limits<size_t>::max());
    std::vector<double> weights;
    Predictions ensemble = ensembleOf(chosen, &weights);
    // A standard build keeps the ensemble of the candidates a quick build would have
    // had unless the search's ensemble is better beyond chance and by at least 1 % of
    // the remaining error. Choosing among many close candidates flatters the winner on
    // the rows that chose it, so the two are compared cross-fitted: on each half of the
    // scored rows, the ensemble whose candidates and weights were chosen on the other half.
    if (m_spec.mode == BuildMode::Standard && m_quickCut < m_trials.size()) {
        std::vector<Trial *> early = candidatePool(finished, m_quickCut);
        if (!early.empty()) {
            std::vector<double> earlyWeights;
            Predictions earlyEnsemble = ensembleOf(early, &earlyWeights);
            const Predictions honestFull = crossFitted(std::numeric_limits<size_t>::max());
            const Predictions honestFirst = crossFitted(m_quickCut);
            const bool comparable = !honestFull.values.empty() && !honestFirst.values.empty();
            const double full = comparable ? scoreOf(honestFull) : scoreOf(ensemble);
            const double first = comparable ? scoreOf(honestFirst) : scoreOf(earlyEnsemble);
            const SearchVerdict verdict =
                judgeSearch(m_metric, first, full, comparable && clearlyBetter(honestFull, honestFirst));
            if (verdict == SearchVerdict::Improved) {
                log(QStringLiteral("The search improved the ensemble from %1 to %2 (%3 on rows that did not choose "
                                   "it, %4 candidates in).")
                        .arg(first, 0, 'g', 5).arg(full, 0, 'g', 5).arg(metricLabel(m_metric))
                        .arg(m_trials.size()));
            } else {
                log((verdict == SearchVerdict::GainTooSmall
                         ? QStringLiteral("The search's ensemble (%1 on rows that did not choose it) beats the one of "
                                          "the first %2 candidates (%3) by less than 1 % of the remaining error; "
                                          "keeping that one.")
                         : QStringLiteral("The search's ensemble (%1 on rows that did not choose it) is not better "
                                          "beyond chance than the one of the first %2 candidates (%3); keeping that one."))
                        .arg(full, 0, 'g', 5).arg(m_quickCut).arg(first, 0, 'g', 5));
                chosen = std::move(early);
                weights = std::move(earlyWeights);
                ensemble = std::move(earlyEnsemble);
            }
        }
    }
    const size_t pool = chosen.size();
    // An ensemble chosen for a ranking or label metric may rank well with probabilities
    // far from the truth; a log-loss ensemble is already chosen for them.
    if (m_metric != Metric::LogLoss) {
        double before = 0, after = 0;
        result.calibration = fitCalibration(m_target.problem, m_truth, ensemble, 0.005, &before, &after);
        if (result.calibration.active()) {
            result.calibration.apply(&ensemble);
            log(QStringLiteral("Probabilities recalibrated on the validation rows (%1): log loss %2 → %3.")
                    .arg(result.calibration.describe())
                    .arg(before, 0, 'g', 4)
                    .arg(after, 0, 'g', 4));
        }
    }
    result.ensembleScore = scoreOf(ensemble);

    if (m_target.problem == ProblemType::Binary && isLabelMetric(m_metric)) {
        const Metric thresholdMetric =
            (m_metric == Metric::Precision || m_metric == Metric::Recall) ? Metric::F1 : m_metric;
        result.threshold = chooseThreshold(thresholdMetric, m_truth, ensemble);
    }
    for (Metric m : metricsFor(m_target.problem)) {
        const double v = computeMetric(m, m_target.problem, m_truth, ensemble, result.threshold);
        result.validationMetrics.insert(metricName(m), std::isnan(v) ? QJsonValue() : QJsonValue(v));
    }
    log(QStringLiteral("Best single model: %1 %2 = %3; final ensemble of %4: %5.")
            .arg(finished.front()->record.family, metricLabel(m_metric))
            .arg(result.bestSingleScore, 0, 'g', 5)
            .arg(std::count_if(weights.begin(), weights.end(), [](double w) { return w > 0; }))
            .arg(result.ensembleScore, 0, 'g', 5));

    // Column impact: members' importances weighted by their ensemble weight.
    std::map<QString, double> impact;
    double impactTotal = 0;
    for (size_t i = 0; i < pool; ++i) {
        if (weights[i] <= 0)
            continue;
        double sum = 0;
        for (const auto &[column, v] : chosen[i]->importance)
            sum += v;
        if (sum <= 0)
            continue;
        for (const auto &[column, v] : chosen[i]->importance) {
            impact[column] += weights[i] * v / sum;
            impactTotal += weights[i] * v / sum;
        }
    }
    for (const auto &[column, v] : impact)
        result.impact.push_back({column, impactTotal > 0 ? 100.0 * v / impactTotal : 0.0});
    std::stable_sort(result.impact.begin(), result.impact.end(),
                     [](const ColumnImpact &a, const ColumnImpact &b) { return a.percent > b.percent; });

    // The bundle.
    ModelBundle &bundle = result.bundle;
    QJsonArray members;
    QJsonObject pipelines;
    QStringList inputColumns;
    for (size_t i = 0; i < pool; ++i) {
        if (weights[i] <= 0)
            continue;
        Trial *t = chosen[i];
        const FlavourData &data = m_data[t->flavour];
        QJsonArray folds;
        for (size_t f = 0; f < t->models.size(); ++f) {
            const QString pipelineName = QStringLiteral("%1/%2").arg(flavourName(t->flavour)).arg(f);
            if (!pipelines.contains(pipelineName)) {
                pipelines.insert(pipelineName, data.folds[f].pipeline.toJson());
                for (const QString &c : data.folds[f].pipeline.inputColumns())
                    if (!inputColumns.contains(c))
                        inputColumns << c;
            }
            Result<QByteArray> bytes = t->models[f]->save();
            if (!bytes)
                return Result<BuildResult>(bytes.error());
            const QString payload = QStringLiteral("models/t%1_f%2.bin").arg(t->record.id).arg(f);
            bundle.payloads[payload] = *bytes;
            folds.append(QJsonObject{{QStringLiteral("pipeline"), pipelineName}, {QStringLiteral("payload"), payload}});
        }
        members.append(QJsonObject{{QStringLiteral("trial"), t->record.id},
                                   {QStringLiteral("family"), t->record.family},
                                   {QStringLiteral("params"), t->record.params},
                                   {QStringLiteral("weight"), weights[i]},
                                   {QStringLiteral("score"), t->record.score},
                                   {QStringLiteral("folds"), folds}});
    }
    // Keep the input columns in the table's order.
    QStringList orderedInputs;
    for (const Column &c : m_table.columns())
        if (inputColumns.contains(c.name()))
            orderedInputs << c.name();

    if (!m_data.empty()) {
        const FlavourData &any = m_data.begin()->second;
        if (any.ready && !any.folds.empty())
            result.droppedColumns = any.folds.front().pipeline.dropped();
    }
    QJsonArray dropped;
    for (const DroppedColumn &d : result.droppedColumns)
        dropped.append(QJsonObject{{QStringLiteral("column"), d.column}, {QStringLiteral("reason"), d.reason}});
    QJsonArray leaderboard;
    for (const TrialRecord &r : result.leaderboard)
        leaderboard.append(r.toJson());
    QJsonArray impactJson;
    for (const ColumnImpact &c : result.impact)
        impactJson.append(QJsonObject{{QStringLiteral("column"), c.column}, {QStringLiteral("percent"), c.percent}});

    Hash64 fingerprint(m_spec.seed);
    for (const Column &c : m_table.columns()) {
        const QByteArray name = c.name().toUtf8();
        fingerprint.update(name.constData(), size_t(name.size()));
    }
    fingerprint.update(m_y.data(), m_y.size() * sizeof(float));
    char hex[17] = {};
    hash64ToHex(fingerprint.digest(), hex);

    result.seconds = secondsSince(m_start);
    result.canceled = isCanceled(m_ctx);
    result.timeLimited = m_timeLimited && !result.canceled;
    if (result.timeLimited)
        log(QStringLiteral("The time limit (%1) ended the search after %2 candidates: a longer limit may find a better "
                           "model, and a rerun may choose differently. For the same leaderboard on any computer, limit "
                           "the candidates instead (Candidates in the studio, --max-candidates in easel-cli) and "
                           "allow more time.")
                .arg(humanDuration(m_budget))
                .arg(m_trials.size()));
    QJsonObject build = m_spec.toJson();
    build.insert(QStringLiteral("validation"), m_folds.size() > 1 ? QStringLiteral("%1-fold cross-validation").arg(m_folds.size())
                                                                  : QStringLiteral("holdout"));
    build.insert(QStringLiteral("threads"), m_threads);
    build.insert(QStringLiteral("seconds"), result.seconds);
    build.insert(QStringLiteral("canceled"), result.canceled);
    build.insert(QStringLiteral("time_limited"), result.timeLimited);
    // Asked for the GPU: the families that used it (none on a computer without one) and the others.
    if (m_spec.useGpu) {
        QStringList cpu;
        for (const QString &f : std::as_const(m_families))
            if (!m_gpuFamilies.contains(f))
                cpu << f;
        build.insert(QStringLiteral("gpu_families"), QJsonArray::fromStringList(m_gpuFamilies));
        build.insert(QStringLiteral("cpu_families"), QJsonArray::fromStringList(cpu));
    }
    bundle.manifest = QJsonObject{
        {QStringLiteral("format"), QStringLiteral("easel-model")},
        {QStringLiteral("format_version"),
         result.calibration.active() ? ModelBundle::kCalibratedManifestVersion : int(ModelBundle::kFormatVersion)},
        {QStringLiteral("easel_version"), QStringLiteral(EASEL_VERSION_STRING)},
        {QStringLiteral("created_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("problem_type"), problemTypeName(m_target.problem)},
        {QStringLiteral("problem_reason"), m_target.reason},
        {QStringLiteral("target"), m_target.column},
        {QStringLiteral("class_labels"), QJsonArray::fromStringList(m_target.classLabels)},
        {QStringLiteral("threshold"), result.threshold},
        {QStringLiteral("metric"), metricName(m_metric)},
        {QStringLiteral("validation_score"), result.ensembleScore},
        {QStringLiteral("validation"), result.validationMetrics},
        {QStringLiteral("input_schema"), inputSchema(orderedInputs)},
        {QStringLiteral("pipelines"), pipelines},
        {QStringLiteral("members"), members},
        {QStringLiteral("build"), build},
        {QStringLiteral("seed"), QString::number(m_spec.seed)},
        {QStringLiteral("data_fingerprint"), QJsonObject{{QStringLiteral("hash"), QString::fromLatin1(hex)},
                                                         {QStringLiteral("rows"), qint64(m_rows.size())},
                                                         {QStringLiteral("columns"), qint64(m_table.columnCount())}}},
        {QStringLiteral("leaderboard"), leaderboard},
        {QStringLiteral("column_impact"), impactJson},
        {QStringLiteral("dropped_columns"), dropped},
    };
    if (result.calibration.active())
        bundle.manifest.insert(QStringLiteral("calibration"), result.calibration.toJson());
    // Column impact measured properly (TreeSHAP / out-of-fold permutation) and the
    // training profile that batch prediction compares new data with. Skipped for
    // previews and stopped builds, which keep the rough gain-based impact.
    if (m_spec.mode != BuildMode::Preview) {
        std::vector<std::vector<size_t>> foldValid;
        for (const Fold &f : m_folds)
            foldValid.push_back(f.valid);
        TaskContext annotateContext;
        annotateContext.setParent(m_ctx);
        // Whatever is left of the budget (at least a second): past it the rough impact stays.
        annotateContext.setDeadline(Clock::now() + std::chrono::milliseconds(qint64(1000 * std::max(1.0, remaining()))));
        if (!isCanceled(m_ctx)) {
            if (m_ctx)
                m_ctx->progress(std::min(0.99, secondsSince(m_start) / m_budget),
                                QStringLiteral("Measuring which columns matter"));
            ImpactReport impactReport;
            const Status annotated = annotateBundle(bundle, m_table, m_rows, foldValid, m_registry, &impactReport,
                                                    &annotateContext);
            if (annotated) {
                result.impact.clear();
                for (const ColumnImpactEntry &c : impactReport.columns)
                    result.impact.push_back({c.column, c.percent});
            } else {
                log(QStringLiteral("Column impact kept from the training gains: %1").arg(annotated.error().message));
            }
        }
        if (!bundle.manifest.contains(QStringLiteral("drift_reference"))) {
            QStringList inputs;
            for (const QJsonValue &v : bundle.manifest.value(QStringLiteral("input_schema")).toArray())
                inputs << v.toObject().value(QStringLiteral("name")).toString();
            bundle.manifest.insert(QStringLiteral("drift_reference"), trainingProfile(m_table, m_rows, inputs));
        }
    }

    // The final model's out-of-fold predictions, for the confusion matrix, ROC
    // and residual charts and the model report (float32, little-endian).
    {
        QByteArray truth(reinterpret_cast<const char *>(m_truth.data()), qsizetype(m_truth.size() * sizeof(float)));
        QByteArray predictions(reinterpret_cast<const char *>(ensemble.values.data()),
                               qsizetype(ensemble.values.size() * sizeof(float)));
        bundle.payloads[QStringLiteral("validation/truth.f32")] = truth;
        bundle.payloads[QStringLiteral("validation/predictions.f32")] = predictions;
        bundle.manifest.insert(QStringLiteral("validation_predictions"),
                               QJsonObject{{QStringLiteral("truth"), QStringLiteral("validation/truth.f32")},
                                           {QStringLiteral("predictions"), QStringLiteral("validation/predictions.f32")},
                                           {QStringLiteral("rows"), qint64(m_truth.size())},
                                           {QStringLiteral("outputs"), m_outputs},
                                           {QStringLiteral("note"), QStringLiteral("out-of-fold predictions of the final model on rows it did not train on; truth is the class index or value")}});
    }
    result.seconds = secondsSince(m_start);
    if (m_ctx)
        m_ctx->progress(1.0, QStringLiteral("Done"));
    return result;
}

Result<BuildResult> Runner::run()
{
    m_start = Clock::now();
    m_budget = m_spec.timeLimitSeconds > 0 ? m_spec.timeLimitSeconds : defaultTimeLimit(m_spec.mode);
    // Room kept at the end for ensemble selection, impact measurement and the bundle.
    const auto reserveFor = [this](double budget) {
        return m_spec.mode == BuildMode::Preview ? std::min(2.0, 0.1 * budget) : std::min(15.0, 0.08 * budget + 1.0);
    };
    m_reserve = reserveFor(m_budget);
    // A standard build first runs exactly what a quick build runs, under the quick
    // build's rules; then it searches on with the whole budget. So its final choice
    // can fall back on the quick build's ensemble (see finish()). Its quick phase has
    // the quick build's time, not more: which family fits in the time left decides
    // the candidates, and with a quarter more time the phase tried forests and
    // boosted trees where the quick build had fallen back on linear models (titanic,
    // taxis), so its fallback was not the quick build's ensemble. Trial times still
    // vary from run to run (on diamonds, 15 s one run and 9 s the next).
    const double fullBudget = m_budget;
    m_fullBudget = fullBudget;
    // With a limit on candidates, the count and the search's patience are meant to
    // end the build, the user allowing time for them: a quick phase cut at the quick
    // build's default time would end sooner on a slower computer and choose
    // differently, so it gets the whole budget.
    const double quickBudget = m_spec.maxCandidates > 0 ? fullBudget : defaultTimeLimit(BuildMode::Quick);
    bool quickPhase = m_spec.mode == BuildMode::Standard;
    if (quickPhase) {
        m_budget = std::min(quickBudget, fullBudget);
        m_reserve = reserveFor(m_budget);
    }
    const auto endQuickPhase = [&] {
        quickPhase = false;
        m_quickCut = m_trials.size();
        m_budget = fullBudget;
        m_reserve = reserveFor(fullBudget);
        log(QStringLiteral("A quick build would stop here (%1 candidates); searching on.").arg(m_trials.size()));
    };
    const int cores = std::max(1, QThread::idealThreadCount());
    m_threads = m_spec.threads > 0 ? std::min(m_spec.threads, cores) : cores;

    if (Status s = prepare(); !s)
        return Result<BuildResult>(s.error());
    log(QStringLiteral("%1 Metric: %2.").arg(m_target.reason, metricLabel(m_metric)));

    // Families, in a stable order of preference.
    QStringList families = m_spec.families.isEmpty() ? m_registry.families() : m_spec.families;
    std::sort(families.begin(), families.end(),
              [](const QString &a, const QString &b) { return familyOrderKey(a) < familyOrderKey(b); });
    if (m_spec.mode == BuildMode::Preview) {
        const QString first = families.contains(QStringLiteral("xgboost")) ? QStringLiteral("xgboost")
                              : families.isEmpty()                          ? QString()
                                                                            : families.first();
        families = first.isEmpty() ? QStringList() : QStringList{first};
    }
    std::vector<Trainer *> trainers;
    QStringList onGpu, onCpu;  // with --gpu: the trainers that use it; a line for each other
    for (const QString &family : families) {
        Trainer *t = m_registry.trainer(family);
        if (!t) {
            log(QStringLiteral("Skipping %1: %2").arg(family, m_registry.lastError()));
            continue;
        }
        const TrainerCapabilities caps = t->capabilities();
        const bool fits = (m_target.problem == ProblemType::Binary && caps.binary)
                          || (m_target.problem == ProblemType::Multiclass && caps.multiclass)
                          || (m_target.problem == ProblemType::Regression && caps.regression);
        if (!fits)
            continue;
        trainers.push_back(t);
        m_families.append(t->family());
        m_classFactor[t->family()] = caps.timeGrowsWithClasses ? double(m_outputs) : 1.0;
        if (!caps.speedNote.isEmpty())
            log(caps.speedNote);
        if (m_spec.useGpu) {
            QString reason = caps.gpuReason.trimmed();
            if (!reason.isEmpty() && !reason.endsWith(QLatin1Char('.')))
                reason += QLatin1Char('.');
            if (caps.gpuAvailable) {
                onGpu << t->displayName();
                m_gpuFamilies << t->family();
            } else {
                onCpu << QStringLiteral("On the CPU: %1.%2").arg(t->displayName(),
                                                                 reason.isEmpty() ? QString() : QLatin1Char(' ') + reason);
            }
        }
    }
    // Asked for the GPU: say which trainers use it and why the others do not, since the
    // command line accepts --gpu on any computer and a build that quietly ran on the
    // CPU would leave its user guessing why it took so long.
    if (m_spec.useGpu && !trainers.empty()) {
        log(onGpu.isEmpty() ? QStringLiteral("No trainer can use a GPU here, so the build runs on the CPU.")
                            : QStringLiteral("On the GPU: %1.").arg(onGpu.join(QStringLiteral(", "))));
        for (const QString &line : std::as_const(onCpu))
            log(line);
    }
    if (trainers.empty())
        return Result<BuildResult>::failure(ErrorCode::Unsupported,
                                            QStringLiteral("No model trainer is installed for this problem. Reinstall Easel "
                                                           "with its plugins."));

    // Preprocess once up front so that data problems (every column dropped, …) are refused clearly.
    if (FlavourData &first = flavourData(trainers.front()->capabilities().flavour); !first.ready)
        return Result<BuildResult>(first.error);
    if (isCanceled(m_ctx))
        return Result<BuildResult>::failure(ErrorCode::Canceled, QStringLiteral("The build was stopped."));

    // The queue of candidates: the portfolios, interleaved across families.
    std::vector<std::pair<Trainer *, QJsonObject>> queue;
    if (m_spec.mode == BuildMode::Preview) {
        QJsonObject fast{{QStringLiteral("learning_rate"), 0.1}, {QStringLiteral("max_depth"), 6},
                         {QStringLiteral("n_estimators"), 300}, {QStringLiteral("early_stopping_rounds"), 20}};
        queue.emplace_back(trainers.front(), fast);
    } else {
        std::vector<std::vector<QJsonObject>> portfolios;
        size_t longest = 0;
        for (Trainer *t : trainers) {
            portfolios.push_back(t->portfolio(m_target.problem, m_rows.size(), m_table.columnCount()));
            longest = std::max(longest, portfolios.back().size());
        }
        for (size_t i = 0; i < longest; ++i)
            for (size_t f = 0; f < trainers.size(); ++f)
                if (i < portfolios[f].size())
                    queue.emplace_back(trainers[f], portfolios[f][i]);
    }
    m_expectedTrials = int(queue.size());
    if (m_spec.mode == BuildMode::Standard)
        m_expectedTrials = std::max(m_expectedTrials, 40);
    if (m_spec.maxCandidates > 0)
        m_expectedTrials = std::min(m_expectedTrials, m_spec.maxCandidates);
    // A limit on candidates ends the search on a count, not the clock (see BuildSpec).
    bool limitLogged = false;
    auto candidateLimitReached = [&] {
        if (m_spec.maxCandidates <= 0 || int(m_trials.size()) < m_spec.maxCandidates)
            return false;
        if (!limitLogged)
            log(QStringLiteral("Tried the %1 candidates allowed; finishing the build.").arg(m_spec.maxCandidates));
        limitLogged = true;
        return true;
    };

    auto accept = [this](std::unique_ptr<Trial> trial) {
        const TrialRecord &r = trial->record;
        m_familySeconds[r.family] = std::max(m_familySeconds[r.family], r.seconds);
        log(QStringLiteral("Trial %1 %2: %3%4 in %5 s%6")
                .arg(r.id)
                .arg(r.family, r.status)
                .arg(std::isnan(r.score) ? QString() : QLatin1Char(' ') + QString::number(r.score, 'g', 5))
                .arg(r.seconds, 0, 'f', 1)
                .arg(r.message.isEmpty() ? QString() : QStringLiteral(" (") + r.message + QLatin1Char(')')));
        if (!std::isnan(r.score) && (std::isnan(m_bestScore) || oriented(r.score) > oriented(m_bestScore))) {
            m_bestScore = r.score;
            if (m_observer.bestScoreChanged)
                m_observer.bestScoreChanged(secondsSince(m_start), m_bestScore);
        }
        if (m_observer.trialFinished)
            m_observer.trialFinished(r);
        m_trials.push_back(std::move(trial));
    };
    // A trial starts only when it can finish: the family's last duration must fit
    // in what is left. A family not tried yet is estimated from the slowest trial
    // so far, scaled by how much slower it usually is than boosted trees (a forest
    // is one round that cannot stop half-way; a network trains many epochs).
    auto fitsInBudget = [this](const QString &family) {
        const double left = remaining() - m_reserve;
        // The first candidate always starts: its trainer keeps to the deadline it is
        // given as best it can, and a build that returns no model at all has wasted
        // every second it took (a busy machine can spend a short budget on preparing
        // the data alone).
        if (m_trials.empty())
            return true;
        auto it = m_familySeconds.find(family);
        if (it != m_familySeconds.end()) {
            // A forest is one round that cannot stop half-way, and its configurations
            // differ several-fold in cost (depth, trees): leave a wide margin.
            const double factor = family == QLatin1String("random_forest") ? 3.0 : 1.0;
            auto projected = m_projectedSeconds.find(family);
            const double seconds = projected == m_projectedSeconds.end() ? it->second
                                                                         : std::max(it->second, projected->second);
            return factor * seconds <= left;
        }
        // Per class where that sets the time: on digits (10 classes) boosted trees
        // took 34 s a candidate and kept out a network that took 12 s and beat them.
        const auto classFactor = [this](const QString &f) {
            auto found = m_classFactor.find(f);
            return found == m_classFactor.end() ? 1.0 : found->second;
        };
        double slowest = 0;
        for (const auto &[f, seconds] : m_familySeconds)
            slowest = std::max(slowest, seconds * classFactor(family) / classFactor(f));
        const bool forest = family == QLatin1String("random_forest");
        // A first forest may start while a quarter of the budget is left when there
        // are several folds: runTrial stops it after a fold once the rest would not
        // fit, so a slow boosted-tree candidate before it does not keep it out.
        // Its first fold cannot stop half-way either, and nothing tried so far says what
        // one costs: with less than kFirstForestSeconds left it would be a gamble (on a
        // 12 s build of adult, one fold took 7 s on a busy machine).
        if (forest && m_folds.size() > 1)
            return left > 0.25 * m_budget && left > kFirstForestSeconds;
        // A network stops adding epochs at its deadline, so the time the other families
        // took says nothing about whether it fits: guessing it at twice the slowest kept
        // it out wherever a forest or boosted trees were slow, and cut short it still
        // beat them on 26 classes (log loss 0.47 against 0.79).
        if (family == QLatin1String("mlp"))
            return left > 0.1 * m_budget;
        const double factor = forest ? 3.0 : 1.0;
        return factor * slowest <= left && left > 0.1 * m_budget;
    };

    for (auto &[trainer, params] : queue) {
        if (isCanceled(m_ctx) || candidateLimitReached())
            break;
        if (!fitsInBudget(trainer->family())) {
            // A standard build's quick phase has a budget of its own; its search goes on.
            if (!quickPhase)
                m_timeLimited = true;
            continue;
        }
        reportProgress(QStringLiteral("training %1").arg(trainer->displayName()));
        accept(runTrial(trainer, params, false));
    }

    // Quick builds go on searching after the portfolio while the search still
    // improves the best score (patience of 8 candidates); standard builds do the
    // same under the quick budget, then use the whole of theirs.
    if (m_spec.mode != BuildMode::Preview && !isCanceled(m_ctx)) {
        const bool quick = m_spec.mode == BuildMode::Quick;
        int sinceImprovement = 0;
        double bestSoFar = m_bestScore;
        // Standard builds after their quick phase: candidates since the best single
        // score last improved by more than the tolerance.
        double searchBest = std::numeric_limits<double>::quiet_NaN();
        int sinceSearchImprovement = 0;
        const double relativeTolerance = std::clamp(0.1 / std::sqrt(double(std::max<size_t>(1, m_rows.size()))),
                                                    1e-4, 1e-2);
        const auto searchTolerance = [relativeTolerance](double best) {
            return relativeTolerance * std::max(std::abs(best), 1e-3);
        };
        // Parzen search per family, more trials for the families doing best.
        std::map<QString, std::unique_ptr<ParzenSearch>> searches;
        std::map<QString, QJsonObject> bases;
        for (Trainer *t : trainers) {
            auto search = std::make_unique<ParzenSearch>(t->searchSpace(m_target.problem),
                                                         m_spec.seed + qHash(t->family()), 5);
            const std::vector<QJsonObject> portfolio = t->portfolio(m_target.problem, m_rows.size(), m_table.columnCount());
            bases[t->family()] = portfolio.empty() ? QJsonObject() : portfolio.front();
            for (const auto &trial : m_trials)
                if (trial->record.family == t->family() && !std::isnan(trial->record.score))
                    search->observe(trial->record.params, oriented(trial->record.score));
            searches[t->family()] = std::move(search);
        }
        // A family whose last candidates all scored the same (to 1 part in 10 000) has
        // a search that no longer changes anything: on large tables the linear model's
        // one parameter stopped mattering and filled the leaderboard with copies.
        const auto settled = [this](const QString &family) {
            std::vector<double> last;
            for (auto it = m_trials.rbegin(); it != m_trials.rend() && int(last.size()) < kSettledAfter; ++it)
                if ((*it)->record.family == family && !std::isnan((*it)->record.score))
                    last.push_back((*it)->record.score);
            if (int(last.size()) < kSettledAfter)
                return false;
            const auto [lo, hi] = std::minmax_element(last.begin(), last.end());
            return *hi - *lo <= 1e-4 * std::max(std::abs(*hi), 1e-12);
        };
        std::mt19937_64 rng(m_spec.seed + 99);
        int round = 0;
        for (;;) {
            if (isCanceled(m_ctx) || candidateLimitReached())
                break;
            if (remaining() - m_reserve <= 0) {
                if (!quickPhase) {
                    m_timeLimited = true;
                    break;
                }
                endQuickPhase();
                continue;
            }
            // Rank families by their best score; the best gets every other slot.
            std::vector<std::pair<double, Trainer *>> ranked;
            for (Trainer *t : trainers) {
                double best = -std::numeric_limits<double>::infinity();
                for (const auto &trial : m_trials)
                    if (trial->record.family == t->family() && !std::isnan(trial->record.score))
                        best = std::max(best, oriented(trial->record.score));
                ranked.emplace_back(best, t);
            }
            std::stable_sort(ranked.begin(), ranked.end(),
                             [](const auto &a, const auto &b) { return a.first > b.first; });
            Trainer *pick = (round % 2 == 0) ? ranked.front().second : ranked[size_t(rng() % ranked.size())].second;
            ++round;
            const auto usable = [&](const Trainer *t) { return !settled(t->family()) && fitsInBudget(t->family()); };
            if (!usable(pick)) {
                // The best-ranked family that still fits (the first in preference
                // order would nearly always be the cheap linear model).
                bool any = false;
                for (const auto &[score, t] : ranked)
                    if (usable(t)) {
                        pick = t;
                        any = true;
                        break;
                    }
                if (!any && std::all_of(trainers.begin(), trainers.end(),
                                        [&](const Trainer *t) { return settled(t->family()); })) {
                    log(QStringLiteral("Every family's last %1 candidates scored the same; the search has nothing "
                                       "left to change. Finishing.")
                            .arg(kSettledAfter));
                    break;
                }
                if (!any && quickPhase) {
                    endQuickPhase();
                    continue;
                }
                if (!any) {
                    m_timeLimited = true;
                    break;
                }
            }
            ParzenSearch &search = *searches[pick->family()];
            const QJsonObject params = search.propose(bases[pick->family()]);
            reportProgress(QStringLiteral("searching %1").arg(pick->displayName()));
            std::unique_ptr<Trial> trial = runTrial(pick, params, true);
            if (trial->record.status == trial_status::Pruned || trial->record.status == trial_status::OutOfTime)
                search.observe(params, trial->firstFoldScore - 1e-9);
            else if (!std::isnan(trial->record.score))
                search.observe(params, oriented(trial->record.score));
            else
                search.observe(params, std::numeric_limits<double>::quiet_NaN());
            accept(std::move(trial));
            if (!std::isnan(m_bestScore) && (std::isnan(bestSoFar) || oriented(m_bestScore) > oriented(bestSoFar))) {
                bestSoFar = m_bestScore;
                sinceImprovement = 0;
            } else if (++sinceImprovement >= 8 && (quick || quickPhase)) {
                if (quickPhase) {
                    endQuickPhase();
                } else {
                    log(QStringLiteral("The search stopped improving; finishing the quick build."));
                    break;
                }
            }
            // A standard build's search ends early once it has gone many candidates
            // without a better model by a margin that matters for this many rows
            // (as H2O AutoML's stopping rounds do): small data sets finish in minutes.
            if (!quick && !quickPhase && !std::isnan(m_bestScore)) {
                if (std::isnan(searchBest)) {
                    searchBest = m_bestScore;
                    sinceSearchImprovement = 0;
                } else if (oriented(m_bestScore) - oriented(searchBest) > searchTolerance(searchBest)) {
                    searchBest = m_bestScore;
                    sinceSearchImprovement = 0;
                } else if (++sinceSearchImprovement >= kSearchPatience) {
                    log(QStringLiteral("The search went %1 candidates without a better model; finishing after %2 of "
                                       "the %3 allowed.")
                            .arg(kSearchPatience)
                            .arg(humanDuration(secondsSince(m_start)), humanDuration(m_budget)));
                    break;
                }
            }
            // Free the models of candidates that can no longer enter the ensemble.
            if (m_trials.size() > 30) {
                std::vector<Trial *> byScore;
                for (const auto &t : m_trials)
                    if (!t->models.empty() && !std::isnan(t->record.score))
                        byScore.push_back(t.get());
                std::stable_sort(byScore.begin(), byScore.end(), [this](const Trial *a, const Trial *b) {
                    return oriented(a->record.score) > oriented(b->record.score);
                });
                // Models for the ensembles on all scored rows; out-of-fold predictions
                // also for those chosen on one half, to compare the ensembles honestly.
                std::set<const Trial *> keepModels, keepPredictions;
                for (size_t upTo : {std::numeric_limits<size_t>::max(), m_quickCut}) {
                    for (const Trial *t : candidatePool(byScore, upTo))
                        keepModels.insert(t);
                    if (m_spec.mode == BuildMode::Standard)
                        for (int h = 0; h < 2; ++h)
                            for (const Trial *t : candidatePool(rankedOnHalf(h), upTo, false))
                                keepPredictions.insert(t);
                }
                for (const auto &t : m_trials) {
                    if (!keepModels.count(t.get()))
                        t->models.clear();
                    if (!keepModels.count(t.get()) && !keepPredictions.count(t.get())) {
                        t->oof.values.clear();
                        t->oof.values.shrink_to_fit();
                    }
                }
            }
        }
    }
    return finish();
}

} // namespace

Result<BuildResult> runBuild(const Table &table, const BuildSpec &spec, TrainerRegistry &registry, TaskContext *ctx,
                             const BuildObserver &observer)
{
    Runner runner(table, spec, registry, ctx, observer);
    return runner.run();
}

} // namespace easel
