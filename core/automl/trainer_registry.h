#pragma once

#include "automl/trainer.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <vector>

class QPluginLoader;

namespace easel {

//! What a plugin's plugin.json says, read without loading the plugin.
struct PluginInfo
{
    QString name;            //!< "xgboost"
    QString version;
    QString file;            //!< absolute path of the shared library
    QStringList families;    //!< trainer families it provides
    bool heavy = false;      //!< slow to load (LibTorch): load only when one of its families is used
};

//! Finds trainer plugins and creates their trainers on demand. Pass it
//! explicitly (no singleton). Plugins are looked for in $EASEL_PLUGIN_PATH
//! (colon-separated), then "../plugins" and "../lib/easel/plugins" beside the
//! executable, then the folder it was built into. Metadata is read first;
//! a plugin's library is loaded only when one of its families is asked for.
//!
//! Not thread-safe for trainer(); the returned Trainer objects are, for fit/load/predict.
class TrainerRegistry
{
public:
    TrainerRegistry();
    ~TrainerRegistry();
    TrainerRegistry(const TrainerRegistry &) = delete;
    TrainerRegistry &operator=(const TrainerRegistry &) = delete;

    //! Scans the default folders (and any extra ones). Safe to call again.
    void discover(const QStringList &extraFolders = {});
    //! Registers a trainer directly (tests, static builds). The registry owns it.
    void add(std::unique_ptr<Trainer> trainer);

    const std::vector<PluginInfo> &plugins() const { return m_plugins; }
    //! Every family known from metadata or added directly, in a stable order.
    QStringList families() const;
    //! The trainer of a family, loading its plugin if needed; nullptr if unknown
    //! or the plugin fails to load (see lastError()). The registry owns it.
    Trainer *trainer(const QString &family);
    //! Whether the family's plugin has been loaded (used to check that LibTorch stays unloaded).
    bool isLoaded(const QString &family) const;
    QString lastError() const { return m_lastError; }

private:
    bool loadPlugin(size_t index);

    std::vector<PluginInfo> m_plugins;
    std::vector<std::unique_ptr<QPluginLoader>> m_loaders;  //!< parallel to m_plugins (null until loaded)
    std::map<QString, std::unique_ptr<Trainer>> m_trainers;
    QString m_lastError;
};

} // namespace easel
