// All LibTorch code of the MLP plugin: this file includes no Qt header.
#include "mlp_net.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <random>
#include <sstream>

static_assert(std::endian::native == std::endian::little, "the weight format is little-endian");

namespace easel::mlp {

int Architecture::embeddingDim(int cardinality)
{
    return std::max(1, std::min(16, (cardinality + 1) / 2));
}

std::string Architecture::validate() const
{
    if (task == Task::Multiclass ? outputs < 3 || outputs > 100000 : outputs != 1)
        return "the number of outputs does not match the problem";
    if (numeric < 0 || numeric > 1000000)
        return "the number of numeric inputs is out of range";
    if (catCardinality.size() != embedDims.size() || catCardinality.size() > 100000)
        return "the categorical columns do not match their embeddings";
    long inputs = numeric;
    for (size_t i = 0; i < catCardinality.size(); ++i) {
        if (catCardinality[i] < 0 || catCardinality[i] > 10000000 || embedDims[i] < 1 || embedDims[i] > 1024)
            return "an embedding size is out of range";
        inputs += embedDims[i];
    }
    if (inputs < 1)
        return "the network has no inputs";
    if (hidden.empty() || hidden.size() > 16)
        return "the network needs 1 to 16 hidden layers";
    for (int h : hidden)
        if (h < 1 || h > 65536)
            return "a hidden layer width is out of range";
    if (activation != "relu" && activation != "silu")
        return "unknown activation '" + activation + "' (relu or silu)";
    if (norm != "batch" && norm != "layer" && norm != "none")
        return "unknown normalisation '" + norm + "' (batch, layer or none)";
    if (!(dropout >= 0 && dropout < 1))
        return "dropout must be in [0, 1)";
    if (!std::isfinite(targetMean) || !(targetStd > 0) || !std::isfinite(targetStd))
        return "the target scaling is invalid";
    return {};
}

uint64_t Architecture::weightCount() const
{
    uint64_t count = 0, in = uint64_t(std::max(0, numeric));
    for (size_t i = 0; i < catCardinality.size() && i < embedDims.size(); ++i) {
        count += uint64_t(catCardinality[i] + 1) * uint64_t(embedDims[i]);
        in += uint64_t(embedDims[i]);
    }
    for (int h : hidden) {
        count += (in + 1) * uint64_t(h);
        in = uint64_t(h);
    }
    return count + (in + 1) * uint64_t(outputs);
}

bool cudaAvailable(std::string *reason)
{
    try {
        if (torch::cuda::is_available())
            return true;
        if (reason)
            *reason = at::hasCUDA() ? "No CUDA device was found" : "This LibTorch was built without CUDA";
    } catch (const std::exception &e) {
        if (reason)
            *reason = e.what();
    }
    return false;
}

// ---------------------------------------------------------------- the module

struct TabularMlpImpl : torch::nn::Module
{
    explicit TabularMlpImpl(const Architecture &a) : arch(a)
    {
        long in = a.numeric;
        for (size_t i = 0; i < a.catCardinality.size(); ++i) {
            embeddings.push_back(register_module(
                "emb" + std::to_string(i), torch::nn::Embedding(a.catCardinality[i] + 1, a.embedDims[i])));
            in += a.embedDims[i];
        }
        for (size_t l = 0; l < a.hidden.size(); ++l) {
            const long h = a.hidden[l];
            linears.push_back(register_module("fc" + std::to_string(l), torch::nn::Linear(in, h)));
            if (a.norm == "batch")
                batchNorms.push_back(register_module("bn" + std::to_string(l), torch::nn::BatchNorm1d(h)));
            else if (a.norm == "layer")
                layerNorms.push_back(register_module(
                    "ln" + std::to_string(l), torch::nn::LayerNorm(torch::nn::LayerNormOptions({h}))));
            in = h;
        }
        head = register_module("head", torch::nn::Linear(in, a.outputs));
    }

    //! numeric: float [n, numeric]; cats: long [n, catCols] already mapped to 0 (missing) … card.
    torch::Tensor forward(const torch::Tensor &numeric, const torch::Tensor &cats)
    {
        std::vector<torch::Tensor> parts;
        if (arch.numeric > 0)
            parts.push_back(numeric);
        for (size_t i = 0; i < embeddings.size(); ++i)
            parts.push_back(embeddings[i]->forward(cats.select(1, long(i))));
        torch::Tensor x = parts.size() == 1 ? parts[0] : torch::cat(parts, 1);
        for (size_t l = 0; l < linears.size(); ++l) {
            x = linears[l]->forward(x);
            if (!batchNorms.empty())
                x = batchNorms[l]->forward(x);
            else if (!layerNorms.empty())
                x = layerNorms[l]->forward(x);
            x = arch.activation == "silu" ? torch::silu(x) : torch::relu(x);
            if (arch.dropout > 0)
                x = torch::dropout(x, arch.dropout, is_training());
        }
        return head->forward(x);
    }

    //! forward() in double precision for prediction (eval mode, no dropout), written out
    //! operation by operation as the exported Python script computes it, so that the two
    //! agree to the last float32 bit rather than to float32 rounding noise.
    torch::Tensor forward64(const torch::Tensor &numeric, const torch::Tensor &cats)
    {
        const auto f64 = [](const torch::Tensor &t) { return t.detach().to(torch::kFloat64); };
        std::vector<torch::Tensor> parts;
        if (arch.numeric > 0)
            parts.push_back(numeric.to(torch::kFloat64));
        for (size_t i = 0; i < embeddings.size(); ++i)
            parts.push_back(f64(embeddings[i]->weight).index_select(0, cats.select(1, long(i))));
        torch::Tensor x = parts.size() == 1 ? parts[0] : torch::cat(parts, 1);
        for (size_t l = 0; l < linears.size(); ++l) {
            x = torch::matmul(x, f64(linears[l]->weight).t()) + f64(linears[l]->bias);
            if (!batchNorms.empty()) {
                const torch::nn::BatchNorm1dImpl &bn = *batchNorms[l];
                x = (x - f64(bn.running_mean)) / torch::sqrt(f64(bn.running_var) + bn.options.eps()) * f64(bn.weight)
                    + f64(bn.bias);
            } else if (!layerNorms.empty()) {
                const torch::nn::LayerNormImpl &ln = *layerNorms[l];
                const torch::Tensor mu = x.mean(1, true);
                const torch::Tensor var = (x - mu).pow(2).mean(1, true);
                x = (x - mu) / torch::sqrt(var + ln.options.eps()) * f64(ln.weight) + f64(ln.bias);
            }
            x = arch.activation == "silu" ? x / (1.0 + torch::exp(-x)) : torch::relu(x);
        }
        return torch::matmul(x, f64(head->weight).t()) + f64(head->bias);
    }

    Architecture arch;
    std::vector<torch::nn::Embedding> embeddings;
    std::vector<torch::nn::Linear> linears;
    std::vector<torch::nn::BatchNorm1d> batchNorms;
    std::vector<torch::nn::LayerNorm> layerNorms;
    torch::nn::Linear head{nullptr};
};
TORCH_MODULE(TabularMlp);

struct Net::Impl
{
    Architecture arch;
    TabularMlp module{nullptr};

    //! Parameters then buffers, in registration order: the weight format's order.
    std::vector<std::pair<std::string, torch::Tensor>> state() const
    {
        std::vector<std::pair<std::string, torch::Tensor>> all;
        for (const auto &p : module->named_parameters(true))
            all.emplace_back(p.key(), p.value());
        for (const auto &b : module->named_buffers(true))
            all.emplace_back(b.key(), b.value());
        return all;
    }
};

Net::Net() : d(std::make_unique<Impl>()) {}
Net::~Net() = default;

const Architecture &Net::architecture() const
{
    return d->arch;
}

std::unique_ptr<Net> Net::create(const Architecture &arch, uint64_t seed, std::string *error)
{
    if (std::string problem = arch.validate(); !problem.empty()) {
        if (error)
            *error = problem;
        return nullptr;
    }
    try {
        std::unique_ptr<Net> net(new Net);
        net->d->arch = arch;
        torch::manual_seed(seed);
        net->d->module = TabularMlp(arch);
        net->d->module->eval();
        return net;
    } catch (const std::exception &e) {
        if (error)
            *error = e.what();
        return nullptr;
    }
}

// ---------------------------------------------------------------- data

struct Tensors
{
    torch::Tensor numeric, cats, y, w;
};

static Tensors toTensors(const Architecture &arch, const Batch &b, bool withTarget)
{
    Tensors t;
    const long n = long(b.rows);
    t.numeric = arch.numeric > 0
                    ? torch::nan_to_num(torch::from_blob(const_cast<float *>(b.numeric), {n, arch.numeric}, torch::kFloat)
                                            .clone(),
                                        0.0, 0.0, 0.0)
                    : torch::zeros({n, 0}, torch::kFloat);
    const long c = long(arch.catCardinality.size());
    t.cats = torch::zeros({n, c}, torch::kLong);
    if (c > 0) {
        int64_t *out = t.cats.data_ptr<int64_t>();
        for (long r = 0; r < n; ++r)
            for (long j = 0; j < c; ++j) {
                const int32_t code = b.cats[r * c + j];
                out[r * c + j] = code >= 0 && code < arch.catCardinality[size_t(j)] ? int64_t(code) + 1 : 0;
            }
    }
    if (withTarget) {
        torch::Tensor y = torch::from_blob(const_cast<float *>(b.y), {n}, torch::kFloat).clone();
        if (arch.task == Task::Multiclass)
            t.y = y.to(torch::kLong);
        else if (arch.task == Task::Regression)
            t.y = (y - arch.targetMean) / arch.targetStd;
        else
            t.y = y;
        t.w = b.weights ? torch::from_blob(const_cast<float *>(b.weights), {n}, torch::kFloat).clone()
                        : torch::ones({n}, torch::kFloat);
        t.w = t.w / t.w.mean().clamp_min(1e-12);
    }
    return t;
}

//! Per-row loss: BCE with logits, cross-entropy, or squared error on the standardised target.
static torch::Tensor rowLoss(const Architecture &arch, const torch::Tensor &out, const torch::Tensor &y)
{
    namespace F = torch::nn::functional;
    switch (arch.task) {
    case Task::Binary:
        return F::binary_cross_entropy_with_logits(
            out.squeeze(1), y, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone));
    case Task::Multiclass:
        return F::cross_entropy(out, y, F::CrossEntropyFuncOptions().reduction(torch::kNone));
    case Task::Regression:
        break;
    }
    return (out.squeeze(1) - y).pow(2);
}

//! Unweighted mean loss over all rows, in eval mode, in chunks.
static double evaluate(TabularMlpImpl &m, const Tensors &t)
{
    torch::NoGradGuard noGrad;
    const long n = t.numeric.size(0);
    double sum = 0;
    for (long s = 0; s < n; s += 8192) {
        const long e = std::min(n, s + 8192);
        torch::Tensor out = m.forward(t.numeric.slice(0, s, e), t.cats.slice(0, s, e));
        sum += rowLoss(m.arch, out, t.y.slice(0, s, e)).sum().item<double>();
    }
    return n > 0 ? sum / double(n) : 0.0;
}

// ---------------------------------------------------------------- training

TrainOutcome Net::train(const Batch &trainRows, const Batch *validRows, const TrainParams &p, const Callbacks &callbacks)
{
    TrainOutcome outcome;
    const auto started = std::chrono::steady_clock::now();
    try {
        at::set_num_threads(std::max(1, p.threads));
        torch::manual_seed(p.seed);
        const Architecture &arch = d->arch;
        TabularMlpImpl &m = *d->module;
        torch::Device device = torch::kCPU;
        if (p.useGpu && torch::cuda::is_available())
            device = torch::Device(torch::kCUDA);

        Tensors train = toTensors(arch, trainRows, true);
        Tensors valid;
        if (validRows && validRows->rows > 0)
            valid = toTensors(arch, *validRows, true);
        const bool hasValid = valid.numeric.defined();
        auto move = [&](Tensors &t) {
            if (t.numeric.defined() && device != torch::kCPU) {
                t.numeric = t.numeric.to(device);
                t.cats = t.cats.to(device);
                t.y = t.y.to(device);
                t.w = t.w.to(device);
            }
        };
        move(train);
        move(valid);
        m.to(device);

        // AdamW; no weight decay on biases and normalisation parameters.
        std::vector<torch::Tensor> decay, noDecay;
        for (const auto &param : m.named_parameters(true))
            (param.value().dim() >= 2 ? decay : noDecay).push_back(param.value());
        std::vector<torch::optim::OptimizerParamGroup> groups;
        auto decayOptions = std::make_unique<torch::optim::AdamWOptions>(p.lr);
        decayOptions->weight_decay(p.weightDecay);
        auto noDecayOptions = std::make_unique<torch::optim::AdamWOptions>(p.lr);
        noDecayOptions->weight_decay(0.0);
        groups.emplace_back(decay, std::move(decayOptions));
        groups.emplace_back(noDecay, std::move(noDecayOptions));
        torch::optim::AdamW optimizer(std::move(groups), torch::optim::AdamWOptions(p.lr));

        const long n = long(trainRows.rows);
        const long batch = std::clamp<long>(p.batchSize, 1, std::max<long>(1, n));
        // BatchNorm cannot train on a batch of one row: drop such a tail batch.
        const bool dropTail = arch.norm == "batch" && n % batch == 1 && n > 1;
        const long steps = (n + batch - 1) / batch - (dropTail ? 1 : 0);
        const long totalSteps = std::max<long>(1, steps * p.maxEpochs);
        const long warmup = std::max<long>(1, long(std::lround(p.warmupFraction * double(totalSteps))));
        auto learningRate = [&](long step) {
            if (step < warmup)
                return p.lr * double(step + 1) / double(warmup);
            const double progress = double(step - warmup) / double(std::max<long>(1, totalSteps - warmup));
            return p.lr * (0.01 + 0.99 * 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress))));
        };

        std::mt19937_64 rng(p.seed ^ 0x9e3779b97f4a7c15ull);
        std::vector<int64_t> order(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        std::vector<torch::Tensor> best;
        double bestLoss = std::numeric_limits<double>::infinity();
        int sinceBest = 0;
        long step = 0;
        auto snapshot = [&] {
            best.clear();
            for (const auto &[name, t] : d->state())
                best.push_back(t.detach().clone());
        };

        const auto secondsSinceStart = [&started] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        };
        for (int epoch = 1; epoch <= p.maxEpochs; ++epoch) {
            const double epochStart = secondsSinceStart();
            m.train();
            std::shuffle(order.begin(), order.end(), rng);
            torch::Tensor perm = torch::from_blob(order.data(), {n}, torch::kLong).to(device);
            double trainSum = 0, trainWeight = 0;
            for (long s = 0; s < steps; ++s) {
                // After the first epoch, the deadline ends an epoch half-way too: an epoch
                // over many rows on a busy machine took longer than a fold's whole share.
                if (epoch > 1 && p.deadlineSeconds > 0 && s % 16 == 15 && secondsSinceStart() >= p.deadlineSeconds) {
                    outcome.outOfTime = true;
                    break;
                }
                if (callbacks.canceled && callbacks.canceled()) {
                    outcome.canceled = true;
                    outcome.error = "canceled";
                    m.eval();
                    m.to(torch::kCPU);
                    return outcome;
                }
                const long begin = s * batch, end = std::min(n, begin + batch);
                torch::Tensor idx = perm.slice(0, begin, end);
                torch::Tensor out = m.forward(train.numeric.index_select(0, idx), train.cats.index_select(0, idx));
                torch::Tensor w = train.w.index_select(0, idx);
                torch::Tensor loss = (rowLoss(arch, out, train.y.index_select(0, idx)) * w).sum() / w.sum().clamp_min(1e-12);
                for (auto &group : optimizer.param_groups())
                    static_cast<torch::optim::AdamWOptions &>(group.options()).lr(learningRate(step));
                optimizer.zero_grad();
                loss.backward();
                torch::nn::utils::clip_grad_norm_(m.parameters(), 10.0);
                optimizer.step();
                ++step;
                const double value = loss.item<double>();
                if (!std::isfinite(value)) {
                    outcome.error = "the training loss became infinite; try a lower learning rate";
                    m.eval();
                    m.to(torch::kCPU);
                    return outcome;
                }
                trainSum += value * double(end - begin);
                trainWeight += double(end - begin);
            }
            m.eval();
            if (outcome.outOfTime)
                break;  // half an epoch: with validation rows, the best whole one is kept below
            const double loss = hasValid ? evaluate(m, valid) : trainSum / std::max(1.0, trainWeight);
            outcome.validCurve.push_back(loss);
            outcome.epochs = epoch;
            if (hasValid) {
                // Patience restarts only on a real (relative 1e-4) improvement; any
                // improvement still becomes the kept weights.
                const bool improved = best.empty() || loss < bestLoss - 1e-4 * std::abs(bestLoss);
                if (best.empty() || loss < bestLoss) {
                    bestLoss = loss;
                    outcome.bestEpoch = epoch;
                    snapshot();
                }
                sinceBest = improved ? 0 : sinceBest + 1;
            } else {
                outcome.bestEpoch = epoch;  // no validation rows: keep the last epoch
            }
            if (callbacks.progress)
                callbacks.progress(epoch, p.maxEpochs);
            if (hasValid && p.patience > 0 && sinceBest >= p.patience) {
                outcome.stoppedEarly = epoch < p.maxEpochs;
                break;
            }
            // No new epoch that would end past the deadline.
            const double elapsed = secondsSinceStart();
            const double epochSeconds = elapsed - epochStart;
            if (p.deadlineSeconds > 0 && elapsed + epochSeconds >= p.deadlineSeconds && epoch < p.maxEpochs) {
                outcome.outOfTime = true;
                break;
            }
        }

        // Keep the best epoch's weights, on the CPU, in eval mode.
        if (!best.empty()) {
            torch::NoGradGuard noGrad;
            auto state = d->state();
            for (size_t i = 0; i < state.size(); ++i)
                state[i].second.copy_(best[i]);
        }
        m.eval();
        m.to(torch::kCPU);
        outcome.ok = true;
    } catch (const std::exception &e) {
        outcome.ok = false;
        outcome.error = e.what();
        try {
            d->module->eval();
            d->module->to(torch::kCPU);
        } catch (...) {
        }
    }
    return outcome;
}

// ---------------------------------------------------------------- prediction

bool Net::predict(const Batch &x, std::vector<float> *out, std::string *error) const
{
    try {
        torch::NoGradGuard noGrad;
        const Architecture &arch = d->arch;
        Tensors t = toTensors(arch, x, false);
        const long n = long(x.rows);
        out->assign(size_t(n) * size_t(arch.outputs), 0.0f);
        const std::shared_ptr<TabularMlpImpl> &m = d->module.ptr();
        for (long s = 0; s < n; s += 8192) {
            const long e = std::min(n, s + 8192);
            torch::Tensor z = m->forward64(t.numeric.slice(0, s, e), t.cats.slice(0, s, e));
            switch (arch.task) {
            case Task::Binary:
                z = torch::sigmoid(z);
                break;
            case Task::Multiclass:
                z = torch::softmax(z, 1);
                break;
            case Task::Regression:
                z = z * arch.targetStd + arch.targetMean;
                break;
            }
            z = z.to(torch::kFloat).contiguous();
            std::memcpy(out->data() + size_t(s) * size_t(arch.outputs), z.data_ptr<float>(),
                        size_t(z.numel()) * sizeof(float));
        }
        return true;
    } catch (const std::exception &e) {
        if (error)
            *error = e.what();
        return false;
    }
}

// ---------------------------------------------------------------- weights

template<typename T>
static void put(std::string &s, T v)
{
    s.append(reinterpret_cast<const char *>(&v), sizeof v);
}

std::string Net::weights() const
{
    std::string s;
    for (const auto &[name, t] : d->state()) {
        const torch::Tensor f = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
        put<uint32_t>(s, uint32_t(name.size()));
        s += name;
        put<uint64_t>(s, uint64_t(f.numel()));
        s.append(reinterpret_cast<const char *>(f.data_ptr<float>()), size_t(f.numel()) * sizeof(float));
    }
    return s;
}

std::unique_ptr<Net> Net::fromWeights(const Architecture &arch, const std::string &weights, std::string *error)
{
    // Refuse a header that promises more parameters than the bytes hold before allocating anything.
    if (!arch.validate().empty() || arch.weightCount() > weights.size() / sizeof(float)) {
        if (error)
            *error = arch.validate().empty() ? "the weights are shorter than the architecture needs" : arch.validate();
        return nullptr;
    }
    std::unique_ptr<Net> net = create(arch, 0, error);
    if (!net)
        return nullptr;
    auto fail = [&](const std::string &why) -> std::unique_ptr<Net> {
        if (error)
            *error = why;
        return nullptr;
    };
    // Parse every record first: name → (offset, count).
    std::map<std::string, std::pair<size_t, uint64_t>> records;
    size_t pos = 0;
    while (pos < weights.size()) {
        uint32_t len = 0;
        uint64_t count = 0;
        if (weights.size() - pos < sizeof len)
            return fail("the weights are truncated");
        std::memcpy(&len, weights.data() + pos, sizeof len);
        pos += sizeof len;
        if (len > 256 || weights.size() - pos < len + sizeof count)
            return fail("the weights are truncated");
        std::string name = weights.substr(pos, len);
        pos += len;
        std::memcpy(&count, weights.data() + pos, sizeof count);
        pos += sizeof count;
        if (count > (weights.size() - pos) / sizeof(float))
            return fail("the weights are truncated");
        if (!records.emplace(name, std::make_pair(pos, count)).second)
            return fail("the weights name '" + name + "' twice");
        pos += size_t(count) * sizeof(float);
    }
    try {
        torch::NoGradGuard noGrad;
        auto state = net->d->state();
        if (state.size() != records.size())
            return fail("the weights do not match the architecture");
        for (auto &[name, t] : state) {
            auto it = records.find(name);
            if (it == records.end() || it->second.second != uint64_t(t.numel()))
                return fail("the weights do not match the architecture (" + name + ")");
            std::vector<float> values(size_t(t.numel()));
            std::memcpy(values.data(), weights.data() + it->second.first, values.size() * sizeof(float));
            t.copy_(torch::from_blob(values.data(), t.sizes(), torch::kFloat));
        }
        net->d->module->eval();
    } catch (const std::exception &e) {
        return fail(e.what());
    }
    return net;
}

// ---------------------------------------------------------------- TorchScript export

static std::string scriptName(std::string name)
{
    std::replace(name.begin(), name.end(), '.', '_');
    return name;
}

bool Net::exportTorchScript(std::string *bytes, std::string *error) const
{
    try {
        const Architecture &a = d->arch;
        torch::jit::Module script("EaselTabularMlp");
        for (const auto &[name, t] : d->state())
            script.register_buffer(scriptName(name), t.detach().clone());

        std::ostringstream src;
        src.precision(17);
        src << "def forward(self, numeric: Tensor, cats: Tensor) -> Tensor:\n";
        src << "    parts: List[Tensor] = []\n";
        if (a.numeric > 0)
            src << "    parts.append(torch.nan_to_num(numeric.float(), 0.0, 0.0, 0.0))\n";
        for (size_t i = 0; i < a.catCardinality.size(); ++i) {
            src << "    c" << i << " = cats[:, " << i << "].long()\n";
            src << "    c" << i << " = torch.where((c" << i << " >= 0) & (c" << i << " < " << a.catCardinality[i]
                << "), c" << i << " + 1, torch.zeros_like(c" << i << "))\n";
            src << "    parts.append(torch.embedding(self.emb" << i << "_weight, c" << i << "))\n";
        }
        src << "    x = torch.cat(parts, 1)\n";
        for (size_t l = 0; l < a.hidden.size(); ++l) {
            src << "    x = torch.addmm(self.fc" << l << "_bias, x, self.fc" << l << "_weight.t())\n";
            if (a.norm == "batch")
                src << "    x = (x - self.bn" << l << "_running_mean) / torch.sqrt(self.bn" << l
                    << "_running_var + 1e-05) * self.bn" << l << "_weight + self.bn" << l << "_bias\n";
            else if (a.norm == "layer")
                src << "    x = torch.layer_norm(x, [" << a.hidden[l] << "], self.ln" << l << "_weight, self.ln" << l
                    << "_bias, 1e-05)\n";
            src << (a.activation == "silu" ? "    x = x * torch.sigmoid(x)\n" : "    x = torch.relu(x)\n");
        }
        src << "    z = torch.addmm(self.head_bias, x, self.head_weight.t())\n";
        switch (a.task) {
        case Task::Binary:
            src << "    return torch.sigmoid(z)\n";
            break;
        case Task::Multiclass:
            src << "    return torch.softmax(z, 1)\n";
            break;
        case Task::Regression:
            src << "    return z * " << a.targetStd << " + " << a.targetMean << "\n";
            break;
        }
        script.define(src.str());
        script.eval();

        std::ostringstream out;
        script.save(out);
        *bytes = out.str();

        // Self-check: the saved module (our own bytes) reproduces predict() on random rows.
        std::istringstream in(*bytes);
        torch::jit::Module loaded = torch::jit::load(in);
        const long n = 16, c = long(a.catCardinality.size());
        torch::Tensor numeric = torch::randn({n, a.numeric});
        torch::Tensor cats = torch::zeros({n, c}, torch::kInt);
        for (long j = 0; j < c; ++j)
            cats.select(1, j).copy_(torch::randint(-1, a.catCardinality[size_t(j)] + 1, {n}, torch::kInt));
        std::vector<float> expected;
        std::string why;
        if (!predict(Batch{size_t(n), numeric.data_ptr<float>(), cats.data_ptr<int32_t>(), nullptr, nullptr},
                     &expected, &why)) {
            if (error)
                *error = why;
            return false;
        }
        torch::NoGradGuard noGrad;
        torch::Tensor got = loaded.forward({numeric, cats}).toTensor().contiguous().view({-1});
        torch::Tensor want = torch::from_blob(expected.data(), {long(expected.size())}, torch::kFloat);
        if (!torch::allclose(got, want, 1e-4, 1e-5)) {
            if (error)
                *error = "the exported TorchScript module does not reproduce the model's predictions";
            return false;
        }
        return true;
    } catch (const std::exception &e) {
        if (error)
            *error = e.what();
        return false;
    }
}

} // namespace easel::mlp
