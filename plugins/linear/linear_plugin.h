#pragma once

#include "automl/trainer.h"

#include <QObject>

namespace easel {

//! Exports the "linear" trainer family (ridge / logistic / softmax regression with L2).
class LinearPlugin : public QObject, public TrainerPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID EaselTrainerPlugin_iid FILE "plugin.json")
    Q_INTERFACES(easel::TrainerPlugin)

public:
    //! One LinearTrainer; the caller owns it.
    std::vector<std::unique_ptr<Trainer>> createTrainers() override;
};

} // namespace easel
