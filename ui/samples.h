#pragma once

#include <QString>

#include <optional>
#include <vector>

namespace easel {

//! One bundled sample data set (resources/samples/samples.json).
struct Sample
{
    QString file;    //!< "penguins.csv"
    QString path;    //!< absolute path of the CSV
    QString title;   //!< "Palmer penguins"
    QString note;    //!< one or two sentences on what it is
    QString target;  //!< the suggested column to predict
    QString license;
};

//! The folder holding the bundled samples: $EASEL_SAMPLES_DIR, else
//! share/easel/samples beside an installed binary, else the source tree's
//! resources/samples. Empty when none is found.
QString samplesDirectory();

//! The samples listed in samples.json whose CSV exists; empty when none is found.
std::vector<Sample> bundledSamples();

//! The sample whose file name (and size, when a path is given) matches, if any.
std::optional<Sample> sampleForFile(const QString &pathOrName);

} // namespace easel
