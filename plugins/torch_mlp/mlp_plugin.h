#pragma once

#include "automl/trainer.h"

#include <QObject>

namespace easel {

//! Exports the "mlp" trainer family (LibTorch). Heavy: loading it pulls in
//! LibTorch, so the registry loads it only when an MLP is trained or used.
class MlpPlugin : public QObject, public TrainerPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID EaselTrainerPlugin_iid FILE "plugin.json")
    Q_INTERFACES(easel::TrainerPlugin)

public:
    //! One MlpTrainer; the caller owns it.
    std::vector<std::unique_ptr<Trainer>> createTrainers() override;
};

} // namespace easel
