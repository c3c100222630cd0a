#include "mlp_plugin.h"

#include "mlp_trainer.h"

namespace easel {

std::vector<std::unique_ptr<Trainer>> MlpPlugin::createTrainers()
{
    std::vector<std::unique_ptr<Trainer>> trainers;
    trainers.push_back(std::make_unique<MlpTrainer>());
    return trainers;
}

} // namespace easel
