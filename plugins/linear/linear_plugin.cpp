#include "linear_plugin.h"

#include "linear_trainer.h"

namespace easel {

std::vector<std::unique_ptr<Trainer>> LinearPlugin::createTrainers()
{
    std::vector<std::unique_ptr<Trainer>> trainers;
    trainers.push_back(std::make_unique<LinearTrainer>());
    return trainers;
}

} // namespace easel
