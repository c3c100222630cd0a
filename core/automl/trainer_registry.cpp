#include "automl/trainer_registry.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QPluginLoader>

namespace easel {

TrainerRegistry::TrainerRegistry() = default;

TrainerRegistry::~TrainerRegistry()
{
    // Trainers come from the plugins: destroy them before the loaders go.
    m_trainers.clear();
    // Plugins stay loaded until exit (unloading LibTorch / XGBoost at exit is not safe).
    for (auto &loader : m_loaders)
        if (loader)
            (void)loader.release();
}

static QStringList defaultFolders()
{
    QStringList folders;
    const QByteArray env = qgetenv("EASEL_PLUGIN_PATH");
    if (!env.isEmpty())
        folders += QString::fromLocal8Bit(env).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    if (QCoreApplication::instance()) {
        const QString app = QCoreApplication::applicationDirPath();
        folders << app + QStringLiteral("/../plugins") << app + QStringLiteral("/../lib/easel/plugins");
        // Debian multiarch install: /usr/bin/../lib/<triplet>/easel/plugins
        QDir lib(app + QStringLiteral("/../lib"));
        for (const QString &sub : lib.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            folders << lib.filePath(sub + QStringLiteral("/easel/plugins"));
    }
#ifdef EASEL_BUILD_PLUGIN_DIR
    folders << QStringLiteral(EASEL_BUILD_PLUGIN_DIR);
#endif
    return folders;
}

void TrainerRegistry::discover(const QStringList &extraFolders)
{
    QStringList folders = extraFolders + defaultFolders();
    for (const QString &folder : folders) {
        QDir dir(folder);
        if (!dir.exists())
            continue;
        for (const QFileInfo &fi : dir.entryInfoList({QStringLiteral("*.so")}, QDir::Files)) {
            const QString file = fi.canonicalFilePath();
            bool known = false;
            for (const PluginInfo &p : m_plugins)
                known |= p.file == file;
            if (known)
                continue;
            QPluginLoader probe(file);
            const QJsonObject meta = probe.metaData();
            if (meta.value(QStringLiteral("IID")).toString() != QLatin1String(EaselTrainerPlugin_iid))
                continue;
            const QJsonObject data = meta.value(QStringLiteral("MetaData")).toObject();
            PluginInfo info;
            info.file = file;
            info.name = data.value(QStringLiteral("name")).toString(fi.baseName());
            info.version = data.value(QStringLiteral("version")).toString();
            info.heavy = data.value(QStringLiteral("heavy")).toBool();
            for (const QJsonValue &f : data.value(QStringLiteral("families")).toArray())
                info.families << f.toString();
            bool duplicate = false;  // the same plugin found in two folders: keep the first
            for (const PluginInfo &p : m_plugins)
                duplicate |= p.name == info.name;
            if (duplicate)
                continue;
            m_plugins.push_back(info);
            m_loaders.emplace_back();
        }
    }
}

void TrainerRegistry::add(std::unique_ptr<Trainer> trainer)
{
    const QString family = trainer->family();
    m_trainers[family] = std::move(trainer);
}

QStringList TrainerRegistry::families() const
{
    QStringList all;
    for (const PluginInfo &p : m_plugins)
        for (const QString &f : p.families)
            if (!all.contains(f))
                all << f;
    for (const auto &[family, trainer] : m_trainers)
        if (!all.contains(family))
            all << family;
    return all;
}

bool TrainerRegistry::loadPlugin(size_t index)
{
    if (m_loaders[index])
        return true;
    auto loader = std::make_unique<QPluginLoader>(m_plugins[index].file);
    loader->setLoadHints(QLibrary::ResolveAllSymbolsHint);
    QObject *instance = loader->instance();
    auto *plugin = qobject_cast<TrainerPlugin *>(instance);
    if (!plugin) {
        m_lastError = QStringLiteral("The %1 trainer plugin could not be loaded: %2")
                          .arg(m_plugins[index].name, loader->errorString());
        return false;
    }
    for (std::unique_ptr<Trainer> &t : plugin->createTrainers()) {
        const QString family = t->family();
        if (!m_trainers.count(family))
            m_trainers[family] = std::move(t);
    }
    m_loaders[index] = std::move(loader);
    return true;
}

Trainer *TrainerRegistry::trainer(const QString &family)
{
    auto it = m_trainers.find(family);
    if (it != m_trainers.end())
        return it->second.get();
    for (size_t i = 0; i < m_plugins.size(); ++i) {
        if (!m_plugins[i].families.contains(family))
            continue;
        if (!loadPlugin(i))
            return nullptr;
        it = m_trainers.find(family);
        if (it != m_trainers.end())
            return it->second.get();
    }
    if (m_lastError.isEmpty())
        m_lastError = QStringLiteral("No trainer for the model family '%1' is installed.").arg(family);
    return nullptr;
}

bool TrainerRegistry::isLoaded(const QString &family) const
{
    for (size_t i = 0; i < m_plugins.size(); ++i)
        if (m_plugins[i].families.contains(family))
            return m_loaders[i] != nullptr;
    return m_trainers.count(family) > 0;
}

} // namespace easel
