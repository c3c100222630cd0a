#pragma once

#include "automl/trainer.h"

#include <QObject>

namespace easel {

//! The XGBoost trainer plugin: families "xgboost" and "random_forest".
class XgboostPlugin : public QObject, public TrainerPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID EaselTrainerPlugin_iid FILE "plugin.json")
    Q_INTERFACES(easel::TrainerPlugin)

public:
    //! Both trainers; the caller owns them.
    std::vector<std::unique_ptr<Trainer>> createTrainers() override;
};

} // namespace easel
