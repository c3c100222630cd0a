#pragma once

// The LibTorch side of the tabular MLP, behind a plain C++ interface: no Qt and
// no Torch types here, so the Qt-facing files never include <torch/torch.h>
// (Qt's `slots` macro breaks it, and it costs ~25 s per translation unit).
// Every Torch call lives in mlp_net.cpp; its exceptions are caught there and
// come back as strings.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace easel::mlp {

enum class Task { Regression, Binary, Multiclass };

//! Everything needed to rebuild the network before loading its weights.
struct Architecture
{
    Task task = Task::Regression;
    int outputs = 1;                     //!< 1 (regression, binary) or k classes
    int numeric = 0;                     //!< numeric input columns
    std::vector<int> catCardinality;     //!< levels per categorical column
    std::vector<int> embedDims;          //!< embedding width per categorical column
    std::vector<int> hidden;             //!< hidden layer widths
    std::string activation = "relu";     //!< "relu" | "silu"
    std::string norm = "batch";          //!< "batch" | "layer" | "none"
    double dropout = 0.1;
    double targetMean = 0, targetStd = 1;//!< regression: the network predicts (y − mean) / std

    //! min(16, (card + 1) / 2), at least 1.
    static int embeddingDim(int cardinality);
    //! Empty when consistent and within sane bounds, else what is wrong.
    std::string validate() const;
    //! Weights of the embeddings and linear layers (a lower bound on all parameters).
    uint64_t weightCount() const;
};

struct TrainParams
{
    double lr = 3e-3;                    //!< peak learning rate (AdamW)
    double weightDecay = 1e-4;           //!< AdamW decoupled weight decay
    int batchSize = 512;
    int maxEpochs = 100;
    int patience = 10;                   //!< epochs without validation improvement before stopping
    double warmupFraction = 0.05;        //!< share of the steps spent warming up (then cosine decay)
    int threads = 1;
    uint64_t seed = 0;
    bool useGpu = false;
    double deadlineSeconds = 0;          //!< >0: no new epoch after this long
};

//! Rows as the network reads them. Not owned. y/weights may be null (prediction).
struct Batch
{
    size_t rows = 0;
    const float *numeric = nullptr;      //!< rows × numeric (NaN read as 0)
    const int32_t *cats = nullptr;       //!< rows × categorical codes (−1 or ≥ cardinality: "missing/unseen")
    const float *y = nullptr;            //!< class id or value
    const float *weights = nullptr;      //!< per row, or null for 1
};

struct Callbacks
{
    std::function<bool()> canceled;                          //!< polled per batch
    std::function<void(int epoch, int maxEpochs)> progress;  //!< after every epoch
};

struct TrainOutcome
{
    bool ok = false;
    bool canceled = false;
    std::string error;
    int epochs = 0;                      //!< epochs run
    int bestEpoch = 0;                   //!< 1-based epoch whose weights were kept
    bool stoppedEarly = false;
    bool outOfTime = false;
    std::vector<double> validCurve;      //!< validation loss per epoch (training loss when no validation rows)
};

//! Is CUDA usable? reason says why not.
bool cudaAvailable(std::string *reason);

//! A tabular MLP: one embedding per categorical column, concatenated with the
//! numeric inputs, then [Linear → norm → activation → dropout] per hidden layer
//! and a linear head. Thread-safe for concurrent predict() once trained/loaded.
class Net
{
public:
    ~Net();
    Net(const Net &) = delete;
    Net &operator=(const Net &) = delete;

    //! A freshly initialised network (initialisation seeded by seed). Null and error on failure.
    static std::unique_ptr<Net> create(const Architecture &arch, uint64_t seed, std::string *error);
    //! Rebuilds the network and loads weights written by weights(); never executes code.
    static std::unique_ptr<Net> fromWeights(const Architecture &arch, const std::string &weights, std::string *error);

    const Architecture &architecture() const;

    //! Trains with AdamW, warm-up + cosine learning rate, early stopping on valid
    //! (best weights kept). Deterministic given seed and threads.
    TrainOutcome train(const Batch &train, const Batch *valid, const TrainParams &params, const Callbacks &callbacks);

    //! rows × outputs: regression values, P(class 1), or class probabilities.
    bool predict(const Batch &x, std::vector<float> *out, std::string *error) const;

    //! The weights as raw little-endian records: [u32 name length, name, u64 count, f32 × count]…
    std::string weights() const;

    //! A TorchScript module (torch::jit::save bytes) computing the same predictions
    //! from forward(numeric: float[n, numeric], cats: long[n, catCols]); false on failure.
    bool exportTorchScript(std::string *bytes, std::string *error) const;

private:
    Net();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace easel::mlp
