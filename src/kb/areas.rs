//! The editors' districts (`knowledge_base/areas.toml`): which area a
//! citizen's report comes from, by a district named in the message or by a
//! shared location, so that outage reports group per area. The format is
//! documented in `knowledge_base/README.md`.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::analysis::{Analyzer, words};
use super::diagnostics::Problem;
use super::report::{FileReport, KbIssue, read_optional};

pub const FILE_NAME: &str = "areas.toml";

/// Mean Earth radius, for distances between coordinates.
const EARTH_RADIUS_KM: f64 = 6371.0;

/// Arabic particles glued to a district's first word ("بالنزهة", "والنزهة").
const ARABIC_PROCLITICS: [char; 4] = ['و', 'ب', 'ل', 'ف'];

/// A point a citizen shared, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

impl GeoPoint {
    /// Both coordinates in range (and numbers at all).
    pub fn is_valid(&self) -> bool {
        (-90.0..=90.0).contains(&self.latitude) && (-180.0..=180.0).contains(&self.longitude)
    }

    fn distance_km(&self, other: &GeoPoint) -> f64 {
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let d_lat = lat2 - lat1;
        let d_lon = (other.longitude - self.longitude).to_radians();
        let a = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

/// An area as incidents and agents see it: its id and display names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Area {
    pub id: String,
    pub ar: String,
    pub en: String,
}

impl Area {
    /// The coarse area of a point no district covers: one decimal of a
    /// degree, about 11 km, named by its coordinates.
    fn grid_cell(point: GeoPoint) -> Self {
        let round = |degrees: f64| (degrees * 10.0).floor() / 10.0;
        let (latitude, longitude) = (round(point.latitude), round(point.longitude));
        let name = format!("{latitude:.1}, {longitude:.1}");
        Self {
            id: format!("geo:{latitude:.1},{longitude:.1}"),
            ar: name.clone(),
            en: name,
        }
    }

    pub fn name(&self, lang: crate::i18n::Lang) -> &str {
        match lang {
            crate::i18n::Lang::Ar => &self.ar,
            crate::i18n::Lang::En => &self.en,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAreas {
    #[serde(default)]
    area: Vec<Spanned<RawArea>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    ar: Spanned<String>,
    en: Spanned<String>,
    #[serde(default)]
    names: Vec<Spanned<String>>,
    latitude: Option<Spanned<f64>>,
    longitude: Option<Spanned<f64>>,
    radius_km: Option<Spanned<f64>>,
}

/// One district as editors wrote it, checked for shape.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaSource {
    pub area: Area,
    /// Every way citizens write it, display names included.
    pub names: Vec<String>,
    /// Centre and radius (km), when a shared location should map here.
    pub circle: Option<(GeoPoint, f64)>,
}

/// Reads `dir/areas.toml`; a knowledge base without one has no districts
/// (shared locations still group by coarse grid cell).
pub fn read(dir: &Path, issues: &mut Vec<KbIssue>) -> Vec<AreaSource> {
    let Some(source) = read_optional(dir, FILE_NAME, issues) else {
        return Vec::new();
    };
    let mut report = FileReport::new(Path::new(FILE_NAME), &source);
    let Some(raw) = report.parse::<RawAreas>() else {
        issues.append(&mut report.issues);
        return Vec::new();
    };
    let mut areas = Vec::new();
    let mut ids = HashSet::new();
    for raw in raw.area {
        let span = raw.span();
        let raw = raw.into_inner();
        let id = raw.id.get_ref().trim().to_owned();
        let mut valid = true;
        if !super::entry::is_kebab_case(&id) {
            report.error(
                raw.id.span(),
                "area.id",
                Problem::new("check-area-id-invalid").with("id", id.as_str()),
            );
            valid = false;
        } else if !ids.insert(id.clone()) {
            report.error(
                raw.id.span(),
                "area.id",
                Problem::new("check-area-id-duplicate").with("id", id.as_str()),
            );
            valid = false;
        }
        for (name, key) in [(&raw.ar, "area.ar"), (&raw.en, "area.en")] {
            if name.get_ref().trim().is_empty() {
                report.error(name.span(), key, Problem::new("check-area-name-empty"));
                valid = false;
            }
        }
        let mut names = vec![
            raw.ar.get_ref().trim().to_owned(),
            raw.en.get_ref().trim().to_owned(),
        ];
        for name in &raw.names {
            if name.get_ref().trim().is_empty() {
                report.error(
                    name.span(),
                    "area.names",
                    Problem::new("check-area-names-empty"),
                );
                valid = false;
            } else {
                names.push(name.get_ref().trim().to_owned());
            }
        }
        let circle = match (&raw.latitude, &raw.longitude, &raw.radius_km) {
            (None, None, None) => None,
            (Some(latitude), Some(longitude), Some(radius)) => {
                if !(-90.0..=90.0).contains(latitude.get_ref()) {
                    report.error(
                        latitude.span(),
                        "area.latitude",
                        Problem::new("check-latitude-range"),
                    );
                    valid = false;
                }
                if !(-180.0..=180.0).contains(longitude.get_ref()) {
                    report.error(
                        longitude.span(),
                        "area.longitude",
                        Problem::new("check-longitude-range"),
                    );
                    valid = false;
                }
                if radius.get_ref().is_nan() || *radius.get_ref() <= 0.0 {
                    report.error(
                        radius.span(),
                        "area.radius_km",
                        Problem::new("check-radius-positive"),
                    );
                    valid = false;
                }
                Some((
                    GeoPoint {
                        latitude: *latitude.get_ref(),
                        longitude: *longitude.get_ref(),
                    },
                    *radius.get_ref(),
                ))
            }
            _ => {
                report.error(
                    span.clone(),
                    "area.latitude",
                    Problem::new("check-circle-incomplete"),
                );
                valid = false;
                None
            }
        };
        if valid {
            areas.push(AreaSource {
                area: Area {
                    id,
                    ar: raw.ar.get_ref().trim().to_owned(),
                    en: raw.en.get_ref().trim().to_owned(),
                },
                names,
                circle,
            });
        }
    }
    issues.append(&mut report.issues);
    areas
}

/// The districts compiled for matching: every name normalised exactly as
/// messages are.
#[derive(Debug, Default)]
pub struct Areas {
    areas: Vec<AreaSource>,
    /// (normalised words of a name, area ordinal), longest first.
    phrases: Vec<(Vec<String>, usize)>,
}

impl Areas {
    pub fn compile(sources: Vec<AreaSource>, analyzer: &Analyzer) -> Self {
        let mut phrases: Vec<(Vec<String>, usize)> = sources
            .iter()
            .enumerate()
            .flat_map(|(ordinal, source)| {
                source.names.iter().map(move |name| {
                    let phrase = words(name)
                        .into_iter()
                        .map(|word| analyzer.normalize(word))
                        .collect::<Vec<_>>();
                    (phrase, ordinal)
                })
            })
            .filter(|(phrase, _)| !phrase.is_empty())
            .collect();
        phrases.sort_by_key(|(phrase, _)| std::cmp::Reverse(phrase.len()));
        Self {
            areas: sources,
            phrases,
        }
    }

    /// The district a message names, as whole words: the longest name
    /// found wins ("al nuzha north" over "al nuzha"). `message` is the
    /// message's normalised words.
    pub fn named_in(&self, message: &[String]) -> Option<&Area> {
        let matches_at = |at: usize, phrase: &[String]| {
            phrase.iter().enumerate().all(|(offset, word)| {
                message.get(at + offset).is_some_and(|seen| {
                    seen == word
                        || (offset == 0
                            && seen
                                .strip_prefix(ARABIC_PROCLITICS)
                                .is_some_and(|rest| rest == word))
                })
            })
        };
        self.phrases
            .iter()
            .find(|(phrase, _)| (0..message.len()).any(|at| matches_at(at, phrase)))
            .map(|(_, ordinal)| &self.areas[*ordinal].area)
    }

    /// The area of a shared location: the nearest district whose circle
    /// holds it, else its coarse grid cell.
    pub fn at(&self, point: GeoPoint) -> Area {
        self.areas
            .iter()
            .filter_map(|source| {
                let (centre, radius) = source.circle?;
                let distance = centre.distance_km(&point);
                (distance <= radius).then_some((distance, &source.area))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map_or_else(|| Area::grid_cell(point), |(_, area)| area.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::RetrievalOptions;

    fn area(
        id: &str,
        ar: &str,
        en: &str,
        names: &[&str],
        circle: Option<(f64, f64, f64)>,
    ) -> AreaSource {
        AreaSource {
            area: Area {
                id: id.to_owned(),
                ar: ar.to_owned(),
                en: en.to_owned(),
            },
            names: [ar, en]
                .iter()
                .chain(names)
                .map(|name| (*name).to_owned())
                .collect(),
            circle: circle.map(|(latitude, longitude, radius)| {
                (
                    GeoPoint {
                        latitude,
                        longitude,
                    },
                    radius,
                )
            }),
        }
    }

    fn sample() -> (Areas, Analyzer) {
        let analyzer = Analyzer::new(RetrievalOptions::default());
        let areas = Areas::compile(
            vec![
                area(
                    "al-nuzha",
                    "النزهة",
                    "Al Nuzha",
                    &["nuzha"],
                    Some((24.75, 46.71, 3.0)),
                ),
                area(
                    "al-nuzha-north",
                    "شمال النزهة",
                    "North Nuzha",
                    &["nuzha north"],
                    Some((24.80, 46.71, 3.0)),
                ),
                area(
                    "al-rawda",
                    "الروضة",
                    "Al Rawda",
                    &[],
                    Some((24.76, 46.73, 3.0)),
                ),
            ],
            &analyzer,
        );
        (areas, analyzer)
    }

    #[test]
    fn a_district_is_found_by_normalised_whole_words_longest_first() {
        let (areas, analyzer) = sample();
        let id = |text: &str| {
            let message: Vec<String> = words(text)
                .into_iter()
                .map(|word| analyzer.normalize(word))
                .collect();
            areas.named_in(&message).map(|area| area.id.clone())
        };
        assert_eq!(id("الماء مقطوع في النزهه").as_deref(), Some("al-nuzha"));
        assert_eq!(id("ما فيه ماء بالنزهة").as_deref(), Some("al-nuzha"));
        assert_eq!(
            id("no water in AL NUZHA since morning").as_deref(),
            Some("al-nuzha")
        );
        assert_eq!(
            id("no water in nuzha north").as_deref(),
            Some("al-nuzha-north")
        );
        assert_eq!(
            id("الماء مقطوع في شمال النزهة").as_deref(),
            Some("al-nuzha-north")
        );
        assert_eq!(id("no water in nuzhat").as_deref(), None);
        assert_eq!(id("no water at all"), None);
    }

    #[test]
    fn a_location_maps_to_the_nearest_district_that_holds_it_else_a_grid_cell() {
        let (areas, _) = sample();
        let at = |latitude, longitude| {
            areas
                .at(GeoPoint {
                    latitude,
                    longitude,
                })
                .id
        };
        // Inside both Al Nuzha and Al Rawda, nearer Al Rawda's centre.
        assert_eq!(at(24.758, 46.725), "al-rawda");
        assert_eq!(at(24.751, 46.709), "al-nuzha");
        assert_eq!(at(21.54, 39.17), "geo:21.5,39.1");
        assert_eq!(at(-33.86, 151.2), "geo:-33.9,151.2");
    }
}
