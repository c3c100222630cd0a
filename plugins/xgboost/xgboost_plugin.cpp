#include "xgboost_plugin.h"

#include "xgboost_trainer.h"

namespace easel {

std::vector<std::unique_ptr<Trainer>> XgboostPlugin::createTrainers()
{
    std::vector<std::unique_ptr<Trainer>> trainers;
    trainers.push_back(std::make_unique<XgboostTrainer>(XgbFlavour::Boosting));
    trainers.push_back(std::make_unique<XgboostTrainer>(XgbFlavour::RandomForest));
    return trainers;
}

} // namespace easel
