//! Township and grid boundaries (辖区边界): GeoJSON polygons keyed by division code, and
//! point-in-polygon lookup so a lead's location routes to its township or grid.

use geo::{Contains, MultiPolygon, Point};

/// One boundary.
#[derive(Debug, Clone)]
pub struct Boundary {
    /// Division code (township: 9 digits; grid: 12).
    pub division_code: String,
    /// Name.
    pub name: String,
    /// The area.
    pub area: MultiPolygon<f64>,
}

/// Why a GeoJSON file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoundaryError {
    /// Not GeoJSON.
    #[error("GeoJSON 格式错误：{0}")]
    Malformed(String),
    /// A feature is wrong.
    #[error("第 {index} 个要素：{message}")]
    Feature {
        /// 1-based feature number.
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// Nothing in the file.
    #[error("文件中没有边界要素")]
    Empty,
}

/// Parse a FeatureCollection whose features have a `division_code` property (and
/// optionally `name`) and a Polygon or MultiPolygon geometry (WGS 84 lon/lat).
pub fn parse_geojson(text: &str) -> Result<Vec<Boundary>, BoundaryError> {
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| BoundaryError::Malformed(e.to_string()))?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(BoundaryError::Malformed("应为 FeatureCollection".into()));
    };
    let mut out = vec![];
    for (i, f) in fc.features.into_iter().enumerate() {
        let bad = |message: &str| BoundaryError::Feature {
            index: i + 1,
            message: message.into(),
        };
        let code = f
            .property("division_code")
            .and_then(|v| v.as_str())
            .ok_or_else(|| bad("缺少 division_code 属性"))?
            .to_owned();
        crate::DivisionCode::parse(&code).map_err(|e| bad(&e.to_string()))?;
        let name = f
            .property("name")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let geometry = f.geometry.ok_or_else(|| bad("缺少几何图形"))?;
        let g: geo::Geometry<f64> = geometry
            .try_into()
            .map_err(|e: geojson::Error| bad(&format!("几何图形无效：{e}")))?;
        let area = match g {
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            geo::Geometry::MultiPolygon(m) => m,
            _ => return Err(bad("几何图形应为 Polygon 或 MultiPolygon")),
        };
        let in_range = area.0.iter().all(|p| {
            p.exterior()
                .coords()
                .all(|c| (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y))
        });
        if !in_range || area.0.iter().any(|p| p.exterior().0.len() < 4) {
            return Err(bad("坐标应为经度、纬度（WGS 84），且每个多边形至少3个顶点"));
        }
        out.push(Boundary {
            division_code: code,
            name,
            area,
        });
    }
    if out.is_empty() {
        return Err(BoundaryError::Empty);
    }
    Ok(out)
}

/// Boundaries, for locating points.
#[derive(Debug, Clone, Default)]
pub struct BoundaryIndex {
    boundaries: Vec<Boundary>,
}

impl BoundaryIndex {
    /// An index over boundaries.
    pub fn new(boundaries: Vec<Boundary>) -> Self {
        BoundaryIndex { boundaries }
    }

    /// The division containing a point: the most specific one (a grid inside a township
    /// wins over the township).
    pub fn locate(&self, lon: f64, lat: f64) -> Option<&Boundary> {
        let p = Point::new(lon, lat);
        self.boundaries
            .iter()
            .filter(|b| b.area.contains(&p))
            .max_by_key(|b| b.division_code.trim_end_matches('0').len())
    }

    /// Number of boundaries.
    pub fn len(&self) -> usize {
        self.boundaries.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.boundaries.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn square(code: &str, x0: f64, y0: f64, size: f64) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"division_code":"{code}","name":"区{code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#,
            x1 = x0 + size,
            y1 = y0 + size
        )
    }

    fn fc(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn a_point_routes_to_the_most_specific_boundary_containing_it() {
        let text = fc(&[
            square("339901001", 118.0, 28.0, 0.1),
            square("339901002", 118.1, 28.0, 0.1),
            square("339901001001", 118.0, 28.0, 0.02),
        ]);
        let idx = BoundaryIndex::new(parse_geojson(&text).unwrap());
        assert_eq!(
            idx.locate(118.05, 28.05).unwrap().division_code,
            "339901001"
        );
        assert_eq!(
            idx.locate(118.15, 28.05).unwrap().division_code,
            "339901002"
        );
        assert_eq!(
            idx.locate(118.01, 28.01).unwrap().division_code,
            "339901001001",
            "the grid"
        );
        assert!(idx.locate(120.0, 30.0).is_none());
    }

    #[test]
    fn malformed_files_are_refused_naming_the_feature() {
        assert!(matches!(
            parse_geojson("{not json"),
            Err(BoundaryError::Malformed(_))
        ));
        assert!(matches!(
            parse_geojson(r#"{"type":"Point","coordinates":[1,2]}"#),
            Err(BoundaryError::Malformed(_))
        ));
        let no_code = fc(&[square("339901001", 1.0, 1.0, 1.0).replace("division_code", "code")]);
        assert_eq!(
            parse_geojson(&no_code).unwrap_err(),
            BoundaryError::Feature {
                index: 1,
                message: "缺少 division_code 属性".into()
            }
        );
        let line = fc(&[r#"{"type":"Feature","properties":{"division_code":"339901001"},"geometry":{"type":"LineString","coordinates":[[1,1],[2,2]]}}"#.into()]);
        assert!(
            parse_geojson(&line)
                .unwrap_err()
                .to_string()
                .contains("Polygon")
        );
        let far = fc(&[square("339901001", 500.0, 1.0, 1.0)]);
        assert!(
            parse_geojson(&far)
                .unwrap_err()
                .to_string()
                .contains("经度")
        );
        assert_eq!(parse_geojson(&fc(&[])).unwrap_err(), BoundaryError::Empty);
    }
}
