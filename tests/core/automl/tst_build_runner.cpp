// The build runner's rules, watched through spy trainers that record what they are
// given and answer at once:
// - the rows a model early-stops on are never the rows that score it (the runner
//   gives each trainer a part of the fold's training rows as its validation set),
//   so out-of-fold scores, and the ensembles chosen from them, are honest;
// - a slow forest tried first does not keep a whole family out of a quick build, nor
//   take more than half the time left while a family waits for its first try; nor do
//   boosted trees on many classes;
// - a build always ends with a model when one can be trained at all.
#include "automl/build.h"
#include "automl/trainer_registry.h"
#include "data/csv_reader.h"
#include "model/predictor.h"

#include <QJsonArray>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <thread>

using namespace easel;

namespace {

//! One fit: the row keys (feature 0) of its training, validation and scored rows.
struct FitSeen
{
    std::set<float> train, valid, scored;
    size_t trainRows = 0;
    bool hadValid = false;
    double deadline = 0;
};

std::vector<FitSeen> g_fits;

std::set<float> keysOf(const FeatureMatrix &x)
{
    std::set<float> keys;
    for (size_t r = 0; r < x.rows; ++r)
        keys.insert(x.at(r, 0));
    return keys;
}

class SpyModel : public Model
{
public:
    SpyModel(QString family, float mean, int fit, int outputs = 1)
        : m_family(std::move(family)), m_mean(mean), m_fit(fit), m_outputs(outputs)
    {}
    QString family() const override { return m_family; }
    Result<Predictions> predict(const FeatureMatrix &x) const override
    {
        // The runner's first prediction with a fold's model is the fold's scored rows.
        if (m_fit >= 0 && !m_predicted) {
            g_fits[size_t(m_fit)].scored = keysOf(x);
            m_predicted = true;
        }
        if (m_outputs > 1)  // even class probabilities
            return Predictions{x.rows, m_outputs, std::vector<float>(x.rows * size_t(m_outputs), 1.0f / float(m_outputs))};
        return Predictions{x.rows, 1, std::vector<float>(x.rows, m_mean)};
    }
    Result<QByteArray> save() const override { return QByteArray::number(double(m_mean)); }

private:
    QString m_family;
    float m_mean;
    int m_fit;
    int m_outputs;
    mutable bool m_predicted = false;
};

//! Fits a constant; each fit takes fitSeconds, times the number of classes when
//! perClass (as boosted trees fit a tree per class per round).
class SpyTrainer : public Trainer
{
public:
    explicit SpyTrainer(QString family = QStringLiteral("spy"), double fitSeconds = 0, bool chooses = true,
                        bool perClass = false)
        : m_family(std::move(family)), m_fitSeconds(fitSeconds), m_chooses(chooses), m_perClass(perClass)
    {}
    //! Every fit reports that it stopped at its deadline, as a trainer does when the
    //! time it is given runs out before its rounds or epochs.
    //! Each fit's constant is shifted a little (by its number modulo 7), so that
    //! candidates score differently and the search goes on as it does on real data.
    void varyScores() { m_vary = true; }
    //! With below, only fits given less than that many seconds do.
    void stopAtDeadline(double below = std::numeric_limits<double>::infinity())
    {
        m_stopsAtDeadline = true;
        m_stopsBelow = below;
    }
    //! A fit sleeps no longer than its deadline and, cut there, says it stopped at
    //! it, as boosted trees and networks do.
    void honourDeadline() { m_honoursDeadline = true; }
    //! What capabilities() says about a GPU.
    void setGpu(bool available, const QString &reason)
    {
        m_gpu = available;
        m_gpuReason = reason;
    }
    bool choosesOnValidation(ProblemType) const override { return m_chooses; }
    QString family() const override { return m_family; }
    QString displayName() const override { return QStringLiteral("Spy ") + m_family; }
    TrainerCapabilities capabilities() const override
    {
        TrainerCapabilities c;
        c.nativeMissing = true;
        c.timeGrowsWithClasses = m_perClass;
        c.gpuAvailable = m_gpu;
        c.gpuReason = m_gpuReason;
        return c;
    }
    Result<std::unique_ptr<Model>> fit(const FeatureMatrix &trainX, const std::vector<float> &trainY,
                                       const std::vector<float> &, const FeatureMatrix *validX,
                                       const std::vector<float> *, const FitOptions &options, TaskContext *) const override
    {
        const bool multiclass = options.problem == ProblemType::Multiclass;
        const double wanted = m_fitSeconds * (m_perClass && multiclass ? options.numClasses : 1);
        const bool cut = m_honoursDeadline && options.deadlineSeconds > 0 && options.deadlineSeconds < wanted;
        const double seconds = cut ? options.deadlineSeconds : wanted;
        if (seconds > 0)
            std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        FitSeen seen;
        seen.train = keysOf(trainX);
        seen.trainRows = trainX.rows;
        seen.hadValid = validX != nullptr;
        seen.deadline = options.deadlineSeconds;
        if (validX)
            seen.valid = keysOf(*validX);
        g_fits.push_back(seen);
        double sum = 0;
        for (float y : trainY)
            sum += y;
        const double shift = m_vary ? 0.01 * double(g_fits.size() % 7) : 0.0;
        std::unique_ptr<Model> m = std::make_unique<SpyModel>(m_family, float(sum / double(trainY.size()) + shift),
                                                               int(g_fits.size()) - 1,
                                                               multiclass ? options.numClasses : 1);
        if (cut || (m_stopsAtDeadline && options.deadlineSeconds < m_stopsBelow)) {
            FitReport report;
            report.stoppedAtDeadline = true;
            report.note = QStringLiteral("Stopped at the time limit.");
            m->setFitReport(report);
        }
        return m;
    }
    Result<std::unique_ptr<Model>> load(const QByteArray &bytes, const FitOptions &) const override
    {
        std::unique_ptr<Model> m = std::make_unique<SpyModel>(m_family, bytes.toFloat(), -1);
        return m;
    }
    std::vector<QJsonObject> portfolio(ProblemType, size_t, size_t) const override { return {QJsonObject()}; }
    std::vector<ParamRange> searchSpace(ProblemType) const override { return {}; }

private:
    QString m_family;
    double m_fitSeconds;
    bool m_chooses;
    bool m_perClass;
    bool m_stopsAtDeadline = false;
    bool m_honoursDeadline = false;
    double m_stopsBelow = 0;
    bool m_vary = false;
    bool m_gpu = false;
    QString m_gpuReason;
};

//! Predicts P(yes) = σ((first feature − its training mean) / 10): the rows in the right
//! order with every probability squeezed towards one half, as a heavily regularised
//! linear model gives.
class TimidModel : public Model
{
public:
    explicit TimidModel(float centre) : m_centre(centre) {}
    QString family() const override { return QStringLiteral("timid"); }
    Result<Predictions> predict(const FeatureMatrix &x) const override
    {
        Predictions p{x.rows, 1, std::vector<float>(x.rows)};
        for (size_t r = 0; r < x.rows; ++r)
            p.values[r] = float(1.0 / (1.0 + std::exp(-(double(x.at(r, 0)) - m_centre) / 10.0)));
        return p;
    }
    Result<QByteArray> save() const override { return QByteArray::number(double(m_centre)); }

private:
    float m_centre;
};

class TimidTrainer : public Trainer
{
public:
    QString family() const override { return QStringLiteral("timid"); }
    QString displayName() const override { return QStringLiteral("Timid"); }
    TrainerCapabilities capabilities() const override
    {
        TrainerCapabilities c;
        c.regression = false;
        c.nativeMissing = true;
        return c;
    }
    Result<std::unique_ptr<Model>> fit(const FeatureMatrix &trainX, const std::vector<float> &,
                                       const std::vector<float> &, const FeatureMatrix *, const std::vector<float> *,
                                       const FitOptions &, TaskContext *) const override
    {
        double sum = 0;
        for (size_t r = 0; r < trainX.rows; ++r)
            sum += trainX.at(r, 0);
        std::unique_ptr<Model> m = std::make_unique<TimidModel>(float(sum / double(std::max<size_t>(1, trainX.rows))));
        return m;
    }
    Result<std::unique_ptr<Model>> load(const QByteArray &bytes, const FitOptions &) const override
    {
        std::unique_ptr<Model> m = std::make_unique<TimidModel>(bytes.toFloat());
        return m;
    }
    std::vector<QJsonObject> portfolio(ProblemType, size_t, size_t) const override { return {QJsonObject()}; }
    std::vector<ParamRange> searchSpace(ProblemType) const override { return {}; }
};

//! rows rows of a regression table whose feature "key" is distinct in every row.
std::shared_ptr<Table> keyedTable(int rows)
{
    QByteArray csv = "key,other,y\n";
    for (int i = 0; i < rows; ++i)
        csv += QByteArray::number(0.5 + i * 1.25, 'f', 2) + ',' + QByteArray::number((i * 37) % 11) + ','
               + QByteArray::number(i % 7 + 0.5 * (i % 3), 'f', 1) + '\n';
    Result<CsvImport> r = readCsvData(csv, QStringLiteral("keyed.csv"));
    if (!r.ok())
        qFatal("cannot read inline csv: %s", qPrintable(r.error().toString()));
    return r->table;
}

//! rows rows whose target "digit" takes ten values, each in a tenth of the rows.
std::shared_ptr<Table> tenClassTable(int rows)
{
    QByteArray csv = "key,other,digit\n";
    for (int i = 0; i < rows; ++i)
        csv += QByteArray::number(0.5 + i * 1.25, 'f', 2) + ',' + QByteArray::number((i * 37) % 11) + ",d"
               + QByteArray::number(i % 10) + '\n';
    Result<CsvImport> r = readCsvData(csv, QStringLiteral("ten_classes.csv"));
    if (!r.ok())
        qFatal("cannot read inline csv: %s", qPrintable(r.error().toString()));
    return r->table;
}

bool disjoint(const std::set<float> &a, const std::set<float> &b)
{
    return std::none_of(a.begin(), a.end(), [&b](float v) { return b.count(v) > 0; });
}

} // namespace

class TestBuildRunner : public QObject
{
    Q_OBJECT

    static Result<BuildResult> build(const Table &table, bool choosesOnValidation = true)
    {
        TrainerRegistry registry;
        registry.add(std::make_unique<SpyTrainer>(QStringLiteral("spy"), 0, choosesOnValidation));
        BuildSpec spec;
        spec.target = QStringLiteral("y");
        spec.mode = BuildMode::Quick;
        spec.threads = 1;
        spec.timeLimitSeconds = 30;
        spec.families = {QStringLiteral("spy")};
        g_fits.clear();
        return runBuild(table, spec, registry);
    }

    //! A quick build of table's target with two families: slowFamily, whose fits take
    //! fitSeconds each (per class when perClass), and a network that fits at once.
    static Result<BuildResult> buildBeforeANetwork(const Table &table, const QString &target, const QString &slowFamily,
                                                   double fitSeconds, double timeLimit, bool perClass = false)
    {
        TrainerRegistry registry;
        registry.add(std::make_unique<SpyTrainer>(slowFamily, fitSeconds, true, perClass));
        registry.add(std::make_unique<SpyTrainer>(QStringLiteral("mlp")));
        BuildSpec spec;
        spec.target = target;
        spec.threads = 1;
        spec.timeLimitSeconds = timeLimit;
        spec.families = {slowFamily, QStringLiteral("mlp")};
        g_fits.clear();
        return runBuild(table, spec, registry);
    }

    //! A quick build of keyedTable's "y" by registry's families, on one thread.
    static Result<BuildResult> buildWith(const Table &table, TrainerRegistry &registry,
                                         const QStringList &families, double timeLimit)
    {
        BuildSpec spec;
        spec.target = QStringLiteral("y");
        spec.threads = 1;
        spec.timeLimitSeconds = timeLimit;
        spec.families = families;
        g_fits.clear();
        return runBuild(table, spec, registry);
    }

    //! The first candidate of family (end() when there is none).
    static std::vector<TrialRecord>::const_iterator firstOf(const BuildResult &r, const QString &family)
    {
        return std::find_if(r.trials.begin(), r.trials.end(),
                            [&family](const TrialRecord &t) { return t.family == family; });
    }

    //! A build of keyedTable's "y" by the "spy" family alone, on one thread.
    static BuildSpec spySpec(double timeLimit, BuildMode mode = BuildMode::Quick, int maxCandidates = 0)
    {
        BuildSpec spec;
        spec.target = QStringLiteral("y");
        spec.mode = mode;
        spec.threads = 1;
        spec.timeLimitSeconds = timeLimit;
        spec.maxCandidates = maxCandidates;
        spec.families = {QStringLiteral("spy")};
        return spec;
    }

    static int trialsOf(const BuildResult &r, const QString &family)
    {
        return int(std::count_if(r.trials.begin(), r.trials.end(),
                                 [&family](const TrialRecord &t) { return t.family == family; }));
    }

private Q_SLOTS:
    void modelsStopOnTrainingRowsNotOnScoredRows()
    {
        auto table = keyedTable(200);
        Result<BuildResult> r = build(*table);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("Validation: 10-fold cross-validation")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("Each model stops early on 12 % of its training rows")), qPrintable(log));

        // A quick build goes on after its portfolio while it finds better models:
        // every candidate fits once per fold, and every fit must hold to the rule.
        QVERIFY(g_fits.size() >= 10 && g_fits.size() % 10 == 0);
        std::set<float> scoredAll;
        for (const FitSeen &f : g_fits) {
            QCOMPARE(f.scored.size(), size_t(20));
            QCOMPARE(f.valid.size(), size_t(22));   // 12 % of the fold's 180 training rows
            QCOMPARE(f.train.size(), size_t(158));
            QVERIFY(disjoint(f.valid, f.train));
            QVERIFY(disjoint(f.scored, f.valid));
            QVERIFY(disjoint(f.scored, f.train));
            scoredAll.insert(f.scored.begin(), f.scored.end());
        }
        QCOMPARE(scoredAll.size(), size_t(200));  // every row is scored
    }

    //! A trainer that chooses nothing on validation rows (a forest) gets none: it fits
    //! on all of the fold's training rows, early-stopping rows included, and never
    //! on a scored row.
    void trainersThatChooseNothingFitOnAllTrainingRows()
    {
        auto table = keyedTable(200);
        Result<BuildResult> r = build(*table, false);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QVERIFY(g_fits.size() >= 10 && g_fits.size() % 10 == 0);
        std::set<float> scoredAll;
        for (const FitSeen &f : g_fits) {
            QVERIFY(!f.hadValid);
            QCOMPARE(f.scored.size(), size_t(20));
            QCOMPARE(f.train.size(), size_t(180));  // 158 fitting rows + 22 early-stopping rows
            QCOMPARE(f.trainRows, size_t(180));     // each once
            QVERIFY(disjoint(f.scored, f.train));
            scoredAll.insert(f.scored.begin(), f.scored.end());
        }
        QCOMPARE(scoredAll.size(), size_t(200));
        // The same rows as before, to the row: only the early-stopping part moved.
        const std::vector<FitSeen> joined = g_fits;
        QVERIFY(build(*table, true).ok());
        QCOMPARE(g_fits.size() % 10, size_t(0));
        for (size_t i = 0; i < 10; ++i) {
            std::set<float> both = g_fits[i].train;
            both.insert(g_fits[i].valid.begin(), g_fits[i].valid.end());
            QVERIFY(both == joined[i].train);
            QVERIFY(g_fits[i].scored == joined[i].scored);
        }
    }

    //! Too few training rows to spare any: the trainer stops on the scored rows, as
    //! it did before, and the log does not claim otherwise.
    void tinyDataStopsOnTheScoredRows()
    {
        auto table = keyedTable(40);
        Result<BuildResult> r = build(*table);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        QVERIFY2(!log.contains(QStringLiteral("stops early on")), qPrintable(log));
        QVERIFY(g_fits.size() >= 10 && g_fits.size() % 10 == 0);
        for (const FitSeen &f : g_fits) {
            QCOMPARE(f.train.size(), size_t(36));
            QCOMPARE(f.scored.size(), size_t(4));
            QVERIFY(f.valid == f.scored);
        }
    }

    //! A network not tried yet starts while a tenth of the budget is left: it stops
    //! adding epochs at its deadline. Guessed at four times the slowest trial so far,
    //! it was kept out by a forest that took 2 s of a 10 s budget (abalone lost its
    //! best model so when its forest ran slowly).
    void slowForestDoesNotKeepANetworkOut()
    {
        auto table = keyedTable(200);
        // 10 folds: 2 s
        Result<BuildResult> r = buildBeforeANetwork(*table, QStringLiteral("y"), QStringLiteral("random_forest"), 0.2, 10);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        QVERIFY2(r->trials.front().family == QLatin1String("random_forest"), qPrintable(log));
        QVERIFY2(r->trials.front().seconds >= 1.9, qPrintable(log));
        QVERIFY2(trialsOf(*r, QStringLiteral("mlp")) >= 1, qPrintable(log));
        QVERIFY2(r->seconds <= 10 * 1.1, qPrintable(log));
    }

    //! Boosted trees fit a tree per class per round, a network does not: ten classes
    //! make the trees slow, and the network still gets its turn. Guessed at twice the
    //! trees' whole time, it never ran on digits, where it was the best model.
    void manyClassesDoNotKeepANetworkOut()
    {
        auto table = tenClassTable(200);
        // 10 folds × 10 classes × 0.04 s: 4 s a candidate, with 5.6 s left after it: less
        // than twice the trees' time, more than twice their time per class.
        Result<BuildResult> r =
            buildBeforeANetwork(*table, QStringLiteral("digit"), QStringLiteral("xgboost"), 0.04, 11, true);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        QCOMPARE(r->target.problem, ProblemType::Multiclass);
        QVERIFY2(r->trials.front().family == QLatin1String("xgboost"), qPrintable(log));
        QVERIFY2(r->trials.front().seconds >= 3.9, qPrintable(log));
        QVERIFY2(r->trials.size() >= 2 && r->trials[1].family == QLatin1String("mlp"), qPrintable(log));
        QVERIFY2(r->seconds <= 11 * 1.1, qPrintable(log));
    }

    //! A forest cannot stop half-way, so one that would overrun the budget is stopped
    //! between folds, at the pace of the folds done, and the build keeps its budget.
    void forestThatWouldOverrunStopsBetweenFolds()
    {
        auto table = keyedTable(200);
        // 10 folds: 10 s
        Result<BuildResult> r = buildBeforeANetwork(*table, QStringLiteral("y"), QStringLiteral("random_forest"), 1.0, 6);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        const TrialRecord &forest = r->trials.front();
        QCOMPARE(forest.family, QStringLiteral("random_forest"));
        QCOMPARE(forest.status, QStringLiteral("out of time"));
        QVERIFY2(forest.message.contains(QStringLiteral("would not finish within the time limit")), qPrintable(log));
        QVERIFY2(forest.seconds < 3, qPrintable(log));
        QCOMPARE(trialsOf(*r, QStringLiteral("random_forest")), 1);
        QVERIFY2(trialsOf(*r, QStringLiteral("mlp")) >= 1, qPrintable(log));
        QCOMPARE(r->leaderboard.front().family, QStringLiteral("mlp"));
        QVERIFY2(r->seconds <= 6 * 1.1, qPrintable(log));
    }

    //! A network's first epoch cannot stop half-way, so a network can overrun the
    //! deadline of each fold: once the folds left, at its pace, would overrun the
    //! budget, it is stopped between folds like a forest, and no other starts. On a
    //! busy machine a 12 s build of adult took 17 s when a network ran all its folds.
    void networkThatOverrunsItsDeadlinesStopsBetweenFolds()
    {
        auto table = keyedTable(200);
        TrainerRegistry registry;
        registry.add(std::make_unique<SpyTrainer>(QStringLiteral("xgboost")));
        registry.add(std::make_unique<SpyTrainer>(QStringLiteral("mlp"), 0.8));  // 8 s over 10 folds
        Result<BuildResult> r = buildWith(*table, registry, {QStringLiteral("xgboost"), QStringLiteral("mlp")}, 6);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        QCOMPARE(trialsOf(*r, QStringLiteral("mlp")), 1);
        const auto network = firstOf(*r, QStringLiteral("mlp"));
        QCOMPARE(network->status, QStringLiteral("out of time"));
        QVERIFY2(network->message.contains(QStringLiteral("would not finish within the time limit")), qPrintable(log));
        QVERIFY2(network->seconds < 2, qPrintable(log));
        QCOMPARE(r->leaderboard.front().family, QStringLiteral("xgboost"));
        QVERIFY2(r->seconds <= 6 * 1.1, qPrintable(log));
    }

    //! A forest that would finish in time but take more than half of what is left is
    //! stopped while a family has not been tried: the network gets its turn.
    void forestLeavesHalfTheTimeToUntriedFamilies()
    {
        auto table = keyedTable(200);
        // 10 folds: 6 s; after one fold: 5.4 s to go, 8.1 s left
        Result<BuildResult> r = buildBeforeANetwork(*table, QStringLiteral("y"), QStringLiteral("random_forest"), 0.6, 10);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        const TrialRecord &forest = r->trials.front();
        QCOMPARE(forest.family, QStringLiteral("random_forest"));
        QCOMPARE(forest.status, QStringLiteral("out of time"));
        QVERIFY2(forest.message.contains(QStringLiteral("more than half of the time left")), qPrintable(log));
        QVERIFY2(trialsOf(*r, QStringLiteral("mlp")) >= 1, qPrintable(log));
        QVERIFY2(r->seconds <= 10 * 1.1, qPrintable(log));
    }

    //! While a family waits for its first candidate, a candidate that would run to
    //! its deadline gets only its share of the time left. Given all of it, boosted
    //! trees on 26 classes ran to the end of a quick build and kept out a network
    //! that halved their log loss.
    void candidateLeavesWaitingFamiliesTheirShare()
    {
        auto table = keyedTable(200);
        TrainerRegistry registry;
        auto trees = std::make_unique<SpyTrainer>(QStringLiteral("xgboost"), 3.0);  // 30 s over 10 folds
        trees->honourDeadline();
        registry.add(std::move(trees));
        registry.add(std::make_unique<SpyTrainer>(QStringLiteral("mlp")));
        Result<BuildResult> r = buildWith(*table, registry, {QStringLiteral("mlp"), QStringLiteral("xgboost")}, 12);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        const TrialRecord &first = r->trials.front();
        QVERIFY2(first.family == QLatin1String("xgboost"), qPrintable(log));  // boosted trees before networks
        QCOMPARE(first.status, QStringLiteral("cut short"));
        // Half of the time left (12 s less the reserve and the preparing), not all of it.
        QVERIFY2(first.seconds > 3.5 && first.seconds < 6.5, qPrintable(log));
        QVERIFY2(g_fits.front().deadline < 0.65, qPrintable(log));
        QVERIFY2(trialsOf(*r, QStringLiteral("mlp")) >= 1, qPrintable(log));
        // The network waits for no one: its deadline is the whole time left per fold.
        const auto network = firstOf(*r, QStringLiteral("mlp"));
        QCOMPARE(network->status, QStringLiteral("finished"));
        QVERIFY2(r->seconds <= 12 * 1.1, qPrintable(log));

        // With no family waiting, the same trees get every second there is.
        TrainerRegistry alone;
        auto only = std::make_unique<SpyTrainer>(QStringLiteral("xgboost"), 3.0);
        only->honourDeadline();
        alone.add(std::move(only));
        r = buildWith(*table, alone, {QStringLiteral("xgboost")}, 12);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QVERIFY2(r->trials.front().seconds > 8, qPrintable(r->log.join(QLatin1Char('\n'))));
        QVERIFY(g_fits.front().deadline > 0.8);
    }

    //! A build asked to use the GPU says in its log which trainers use it and why
    //! the others train on the CPU; asked for nothing, it says nothing about GPUs.
    void gpuRequestSaysWhereEachTrainerRuns()
    {
        auto table = keyedTable(60);
        const auto registryWith = [](bool treesOnGpu) {
            auto registry = std::make_unique<TrainerRegistry>();
            auto trees = std::make_unique<SpyTrainer>(QStringLiteral("xgboost"));
            trees->setGpu(treesOnGpu, treesOnGpu ? QString() : QStringLiteral("This XGBoost was built without CUDA"));
            registry->add(std::move(trees));
            auto linear = std::make_unique<SpyTrainer>(QStringLiteral("linear"));
            linear->setGpu(false, QStringLiteral("It runs on the CPU only."));
            registry->add(std::move(linear));
            return registry;
        };
        BuildSpec spec;
        spec.target = QStringLiteral("y");
        spec.threads = 1;
        spec.timeLimitSeconds = 5;
        spec.maxCandidates = 2;
        spec.families = {QStringLiteral("xgboost"), QStringLiteral("linear")};
        spec.useGpu = true;

        auto some = registryWith(true);
        Result<BuildResult> r = runBuild(*table, spec, *some);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QVERIFY2(r->log.contains(QStringLiteral("On the GPU: Spy xgboost.")), qPrintable(r->log.join(QLatin1Char('\n'))));
        QVERIFY2(r->log.contains(QStringLiteral("On the CPU: Spy linear. It runs on the CPU only.")),
                 qPrintable(r->log.join(QLatin1Char('\n'))));
        // The model records which families used it, for its page and report.
        const QJsonObject settings = r->bundle.manifest.value(QStringLiteral("build")).toObject();
        QCOMPARE(settings.value(QStringLiteral("gpu_families")).toArray(), QJsonArray{QStringLiteral("xgboost")});
        QCOMPARE(settings.value(QStringLiteral("cpu_families")).toArray(), QJsonArray{QStringLiteral("linear")});

        auto none = registryWith(false);
        r = runBuild(*table, spec, *none);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("No trainer can use a GPU here, so the build runs on the CPU.")), qPrintable(log));
        // The reason gets its full stop; one line per trainer.
        QVERIFY2(r->log.contains(QStringLiteral("On the CPU: Spy xgboost. This XGBoost was built without CUDA.")),
                 qPrintable(log));
        QVERIFY2(!log.contains(QStringLiteral("On the GPU")), qPrintable(log));
        QVERIFY(r->bundle.manifest.value(QStringLiteral("build")).toObject().value(QStringLiteral("gpu_families"))
                    .toArray().isEmpty());

        spec.useGpu = false;
        r = runBuild(*table, spec, *none);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QVERIFY(!r->bundle.manifest.value(QStringLiteral("build")).toObject().contains(QStringLiteral("gpu_families")));
        QVERIFY2(!r->log.join(QLatin1Char('\n')).contains(QStringLiteral("GPU")), qPrintable(r->log.join(QLatin1Char('\n'))));
    }

    //! A model that ranks the rows well with probabilities squeezed towards one half:
    //! chosen for AUC, the build calibrates them (the AUC stays, the log loss falls, the
    //! manifest holds the map and the model predicts with it); chosen for log loss, the
    //! build leaves them as the model gives them.
    void rankingEnsembleIsCalibrated()
    {
        QByteArray csv = "x,y\n";
        for (int i = 0; i < 400; ++i) {
            const double x = ((i * 37) % 200 - 100) / 10.0;
            csv += QByteArray::number(x, 'f', 1) + ',' + (x + ((i * 53) % 7 - 3) > 0 ? "yes" : "no") + '\n';
        }
        Result<CsvImport> table = readCsvData(csv, QStringLiteral("timid.csv"));
        QVERIFY(table);
        TrainerRegistry registry;
        registry.add(std::make_unique<TimidTrainer>());
        BuildSpec spec = spySpec(20);
        spec.families = {QStringLiteral("timid")};
        spec.metric = Metric::LogLoss;
        Result<BuildResult> plain = runBuild(*table->table, spec, registry);
        spec.metric = Metric::Auc;
        Result<BuildResult> ranked = runBuild(*table->table, spec, registry);
        QVERIFY(plain && ranked);

        QVERIFY(!plain->calibration.active());
        QVERIFY(!plain->bundle.manifest.contains(QStringLiteral("calibration")));
        QCOMPARE(plain->bundle.manifest.value(QStringLiteral("format_version")).toInt(), 1);

        QCOMPARE(ranked->calibration.kind, Calibration::Kind::Platt);
        QVERIFY2(ranked->calibration.slope > 3, qPrintable(ranked->calibration.describe()));
        QCOMPARE(ranked->bundle.manifest.value(QStringLiteral("format_version")).toInt(),
                 ModelBundle::kCalibratedManifestVersion);
        QCOMPARE(ranked->bundle.manifest.value(QStringLiteral("calibration")).toObject(),
                 ranked->calibration.toJson());
        const auto metric = [](const BuildResult &r, const char *name) {
            return r.validationMetrics.value(QLatin1String(name)).toDouble();
        };
        QCOMPARE(metric(*ranked, "auc"), metric(*plain, "auc"));
        QVERIFY2(metric(*ranked, "log_loss") < metric(*plain, "log_loss") - 0.1,
                 qPrintable(QStringLiteral("%1 vs %2").arg(metric(*ranked, "log_loss")).arg(metric(*plain, "log_loss"))));
        QVERIFY(metric(*ranked, "accuracy") >= metric(*plain, "accuracy"));
        QVERIFY(std::any_of(ranked->log.begin(), ranked->log.end(),
                            [](const QString &l) { return l.startsWith(QStringLiteral("Probabilities recalibrated")); }));

        // The saved model predicts with the map: the clearest "yes" is near certain, not 0.73.
        Result<std::unique_ptr<Predictor>> predictor = Predictor::open(ranked->bundle, registry);
        Result<std::unique_ptr<Predictor>> timid = Predictor::open(plain->bundle, registry);
        QVERIFY(predictor && timid);
        Result<Predictions> p = (*predictor)->predict(*table->table);
        Result<Predictions> q = (*timid)->predict(*table->table);
        QVERIFY(p && q);
        const float top = *std::max_element(p->values.begin(), p->values.end());
        QVERIFY2(top > 0.95f, qPrintable(QString::number(top)));
        QVERIFY(*std::max_element(q->values.begin(), q->values.end()) < 0.8f);
    }

    //! The model's input schema marks free text, with an example for the prediction
    //! form, and lists no levels: its words are read, so a new text is not "unknown".
    void freeTextIsMarkedInTheSchema()
    {
        QByteArray csv = "note,colour,y\n";
        for (int i = 0; i < 120; ++i)
            csv += "visit " + QByteArray::number(i) + (i % 2 ? " went well" : " was slow") + ','
                   + (i % 3 ? "red" : "blue") + ',' + QByteArray::number(i % 5) + '\n';
        Result<CsvImport> read = readCsvData(csv, QStringLiteral("notes.csv"));
        QVERIFY(read.ok());
        TrainerRegistry registry;
        registry.add(std::make_unique<SpyTrainer>());
        BuildSpec spec = spySpec(10);
        spec.maxCandidates = 1;
        Result<BuildResult> r = runBuild(*read->table, spec, registry);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QJsonObject note, colour;
        for (const QJsonValue &v : r->bundle.manifest.value(QStringLiteral("input_schema")).toArray()) {
            const QJsonObject o = v.toObject();
            (o.value(QStringLiteral("name")).toString() == QLatin1String("note") ? note : colour) = o;
        }
        QCOMPARE(note.value(QStringLiteral("type")).toString(), QStringLiteral("text"));
        QVERIFY(note.value(QStringLiteral("free_text")).toBool());
        QVERIFY(!note.contains(QStringLiteral("levels")));
        QVERIFY2(note.value(QStringLiteral("example")).toString().startsWith(QStringLiteral("visit ")),
                 qPrintable(note.value(QStringLiteral("example")).toString()));
        QVERIFY(!colour.contains(QStringLiteral("free_text")));
        QCOMPARE(colour.value(QStringLiteral("levels")).toArray().size(), 2);
    }

    //! A budget spent before the first candidate could start (a busy machine, a tiny
    //! limit) still ends with a model: the first candidate always runs.
    void budgetSpentOnPreparingStillGivesAModel()
    {
        auto table = keyedTable(200);
        TrainerRegistry registry;
        registry.add(std::make_unique<SpyTrainer>());
        BuildSpec spec;
        spec.target = QStringLiteral("y");
        spec.threads = 1;
        spec.timeLimitSeconds = 0.001;
        spec.families = {QStringLiteral("spy")};
        g_fits.clear();
        Result<BuildResult> r = runBuild(*table, spec, registry);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QCOMPARE(r->trials.size(), size_t(1));
        QCOMPARE(r->leaderboard.size(), size_t(1));
        QCOMPARE(g_fits.size(), size_t(10));
    }

    //! A candidate whose trainer stopped at the time it was given is marked "cut short"
    //! (the progress page says "cut short by the time limit") and the build says that
    //! the time limit ended it. Trainers once said so only in words the runner never
    //! matched, so every such candidate read "finished".
    void candidateStoppedAtItsDeadlineIsCutShort()
    {
        auto table = keyedTable(200);
        TrainerRegistry registry;
        auto spy = std::make_unique<SpyTrainer>();
        spy->stopAtDeadline();
        registry.add(std::move(spy));
        const BuildSpec spec = spySpec(30, BuildMode::Quick, 2);
        Result<BuildResult> r = runBuild(*table, spec, registry);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QCOMPARE(r->trials.size(), size_t(2));
        for (const TrialRecord &t : r->trials) {
            QCOMPARE(t.status, QStringLiteral("cut short"));
            QVERIFY2(t.message.contains(QLatin1String("time limit")), qPrintable(t.message));
        }
        QVERIFY(r->timeLimited);
        // Cut-short candidates have models and scores: they are ranked and may be chosen.
        QCOMPARE(r->leaderboard.size(), size_t(2));

        // The same trainer without the flag: finished, and the build not time-limited.
        TrainerRegistry plain;
        plain.add(std::make_unique<SpyTrainer>());
        Result<BuildResult> p = runBuild(*table, spec, plain);
        QVERIFY2(p.ok(), qPrintable(p.error().toString()));
        QCOMPARE(p->trials.front().status, QStringLiteral("finished"));
        QVERIFY(!p->timeLimited);

        // A standard build's quick phase runs on the quick build's clock (per fold about
        // a tenth of 2 min here, against a tenth of 10 min after it): a candidate cut
        // short by that clock does not make the build's own time limit the reason it ended.
        TrainerRegistry quickClock;
        auto phased = std::make_unique<SpyTrainer>();
        phased->stopAtDeadline(30);
        phased->varyScores();
        quickClock.add(std::move(phased));
        Result<BuildResult> s = runBuild(*table, spySpec(600, BuildMode::Standard), quickClock);
        QVERIFY2(s.ok(), qPrintable(s.error().toString()));
        QCOMPARE(s->trials.front().status, QStringLiteral("cut short"));
        QVERIFY(std::any_of(s->trials.begin(), s->trials.end(),
                            [](const TrialRecord &t) { return t.status == QLatin1String("finished"); }));
        QVERIFY(!s->timeLimited);
    }

    //! A family whose last three candidates scored the same is not tried again: its
    //! search no longer changes anything (on large tables the linear model's one
    //! parameter filled the end of the leaderboard with copies). With every family
    //! settled the build ends, quick or standard, and says why.
    void settledFamilyIsLeft()
    {
        auto table = keyedTable(200);
        for (BuildMode mode : {BuildMode::Quick, BuildMode::Standard}) {
            TrainerRegistry registry;
            registry.add(std::make_unique<SpyTrainer>());  // every candidate the same constant
            QStringList log;
            BuildObserver observer;
            observer.log = [&log](const QString &line) { log << line; };
            Result<BuildResult> r = runBuild(*table, spySpec(600, mode), registry, nullptr, observer);
            QVERIFY2(r.ok(), qPrintable(r.error().toString()));
            QCOMPARE(r->trials.size(), size_t(3));
            QVERIFY(!r->timeLimited);
            QVERIFY2(log.filter(QStringLiteral("scored the same")).size() == 1, qPrintable(log.join('\n')));
        }

        // Scores that differ keep the search going: the quick build ends on its
        // patience (8 candidates without a better one), after more than three.
        TrainerRegistry varied;
        auto spy = std::make_unique<SpyTrainer>();
        spy->varyScores();
        varied.add(std::move(spy));
        Result<BuildResult> v = runBuild(*table, spySpec(600), varied);
        QVERIFY2(v.ok(), qPrintable(v.error().toString()));
        QVERIFY2(v->trials.size() > 3, qPrintable(QString::number(v->trials.size())));
    }

    //! A forest that is the build's only family is not stopped between folds however
    //! slow: stopping it would leave the build with no model at all.
    void onlyForestIsNotStopped()
    {
        auto table = keyedTable(200);
        TrainerRegistry registry;
        registry.add(std::make_unique<SpyTrainer>(QStringLiteral("random_forest"), 0.1));  // 10 folds: 1 s
        BuildSpec spec;
        spec.target = QStringLiteral("y");
        spec.threads = 1;
        spec.timeLimitSeconds = 0.5;
        spec.families = {QStringLiteral("random_forest")};
        g_fits.clear();
        Result<BuildResult> r = runBuild(*table, spec, registry);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QCOMPARE(r->trials.front().status, QStringLiteral("finished"));
        QCOMPARE(g_fits.size(), size_t(10));
        QCOMPARE(r->leaderboard.front().family, QStringLiteral("random_forest"));
    }
};

QTEST_GUILESS_MAIN(TestBuildRunner)
#include "tst_build_runner.moc"
