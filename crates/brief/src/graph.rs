//! Relationship maps (link charts): states, leaders and organisations joined by meetings,
//! treaties, trade, military ties and memberships. A deterministic layout — states on a circle
//! in order of id, leaders just outside their state, organisations inside — rendered to SVG,
//! and exported as GraphML, GEXF and Cytoscape.js JSON for network tools.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::chart::{LegendItem, SvgOptions, header};
use crate::doc::FootnoteId;
use crate::labels::{Labels, labels};
use crate::svg::{Anchor, INK, MUTED, Svg, escape_xml, fit, num, text_width};

/// What a node stands for.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A state.
    State,
    /// A person (leader, minister).
    Leader,
    /// An organisation or forum.
    Organization,
}

impl NodeKind {
    /// The kind's id in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::State => "state",
            NodeKind::Leader => "leader",
            NodeKind::Organization => "organization",
        }
    }
}

/// What an edge stands for.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Meetings, visits, calls.
    Meeting,
    /// Treaties and agreements.
    Treaty,
    /// Trade.
    Trade,
    /// Military cooperation: transfers, deployments, exercises.
    Military,
    /// Membership of an organisation.
    Membership,
}

impl EdgeKind {
    /// Every kind, in legend order.
    pub const ALL: [EdgeKind; 5] = [
        EdgeKind::Meeting,
        EdgeKind::Treaty,
        EdgeKind::Trade,
        EdgeKind::Military,
        EdgeKind::Membership,
    ];

    /// The kind's id in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Meeting => "meeting",
            EdgeKind::Treaty => "treaty",
            EdgeKind::Trade => "trade",
            EdgeKind::Military => "military",
            EdgeKind::Membership => "membership",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            EdgeKind::Meeting => "#0072B2",
            EdgeKind::Treaty => "#009E73",
            EdgeKind::Trade => "#E69F00",
            EdgeKind::Military => "#D55E00",
            EdgeKind::Membership => "#CC79A7",
        }
    }

    pub(crate) fn label(self, l: &Labels) -> &str {
        match self {
            EdgeKind::Meeting => &l.edge_kinds.meeting,
            EdgeKind::Treaty => &l.edge_kinds.treaty,
            EdgeKind::Trade => &l.edge_kinds.trade,
            EdgeKind::Military => &l.edge_kinds.military,
            EdgeKind::Membership => &l.edge_kinds.membership,
        }
    }
}

/// A node: a state, a leader or an organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Node {
    /// Stable id (`KP`, `Q56226`, a slug).
    pub id: String,
    /// Display label.
    pub label: String,
    /// The kind.
    pub kind: NodeKind,
    /// For leaders: the state they belong to (placed next to it).
    pub state: Option<String>,
}

/// An undirected edge between two nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Edge {
    /// One end (a node id).
    pub a: String,
    /// The other end (a node id).
    pub b: String,
    /// The kind.
    pub kind: EdgeKind,
    /// A short label ("3 summits", "2024 treaty").
    pub label: String,
    /// Strength (e.g. a count); drawn as line width. Non-finite or negative counts as 1.
    pub weight: f64,
    /// The sources of the edge.
    #[serde(default)]
    pub refs: Vec<FootnoteId>,
}

/// A relationship map.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Graph {
    /// The title.
    pub title: String,
    /// Nodes; a repeated id keeps its first entry.
    pub nodes: Vec<Node>,
    /// Edges; edges naming an unknown node are left out of drawings and exports.
    pub edges: Vec<Edge>,
}

/// A position in the SVG's coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Point {
    /// Horizontal.
    pub x: f64,
    /// Vertical, downwards.
    pub y: f64,
}

/// Width and height of link-chart SVGs.
const W: f64 = 720.0;
const H: f64 = 520.0;

impl Graph {
    /// Every footnote reference, in edge order.
    pub fn refs(&self) -> Vec<FootnoteId> {
        self.edges
            .iter()
            .flat_map(|e| e.refs.iter().copied())
            .collect()
    }

    /// Nodes with repeated ids dropped (first entry kept), in the given order.
    pub fn unique_nodes(&self) -> Vec<&Node> {
        let mut seen = BTreeSet::new();
        self.nodes
            .iter()
            .filter(|n| seen.insert(n.id.as_str()))
            .collect()
    }

    /// Edges whose two ends are known nodes, in the given order.
    pub fn valid_edges(&self) -> Vec<&Edge> {
        let ids: BTreeSet<&str> = self.nodes.iter().map(|n| n.id.as_str()).collect();
        self.edges
            .iter()
            .filter(|e| ids.contains(e.a.as_str()) && ids.contains(e.b.as_str()))
            .collect()
    }

    /// The deterministic layout in a `width`×`height` box below `top`: node id → centre.
    pub fn layout(&self, width: f64, height: f64, top: f64) -> BTreeMap<String, Point> {
        let nodes = self.unique_nodes();
        let state_ids: BTreeSet<&str> = nodes
            .iter()
            .filter(|n| n.kind == NodeKind::State)
            .map(|n| n.id.as_str())
            .collect();
        let attached = |n: &Node| {
            n.kind == NodeKind::Leader && n.state.as_deref().is_some_and(|s| state_ids.contains(s))
        };
        let mut ring: Vec<&Node> = nodes
            .iter()
            .copied()
            .filter(|n| n.kind == NodeKind::State || (n.kind == NodeKind::Leader && !attached(n)))
            .collect();
        let mut inner: Vec<&Node> = nodes
            .iter()
            .copied()
            .filter(|n| n.kind == NodeKind::Organization)
            .collect();
        if ring.is_empty() {
            std::mem::swap(&mut ring, &mut inner);
        }
        ring.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        inner.sort_by(|a, b| a.id.cmp(&b.id));

        let cx = width / 2.0;
        let avail = (height - top).max(100.0);
        let cy = top + avail / 2.0;
        let r = (avail / 2.0 - 60.0).clamp(40.0, (width / 2.0 - 120.0).max(40.0));
        let mut pos = BTreeMap::new();
        let angle = |i: usize, n: usize| {
            -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64
        };
        let n = ring.len();
        for (i, node) in ring.iter().enumerate() {
            let p = if n == 1 {
                Point { x: cx, y: cy }
            } else {
                let a = angle(i, n);
                Point {
                    x: cx + r * a.cos(),
                    y: cy + r * a.sin(),
                }
            };
            pos.insert(node.id.clone(), p);
        }
        let m = inner.len();
        for (i, node) in inner.iter().enumerate() {
            let p = if m == 1 {
                Point { x: cx, y: cy }
            } else {
                let a = angle(i, m) + std::f64::consts::PI / m as f64;
                Point {
                    x: cx + r * 0.42 * a.cos(),
                    y: cy + r * 0.42 * a.sin(),
                }
            };
            pos.insert(node.id.clone(), p);
        }
        // Leaders fan out just outside their state.
        let mut by_state: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
        for node in nodes.iter().copied().filter(|n| attached(n)) {
            if let Some(s) = node.state.as_deref() {
                by_state.entry(s).or_default().push(node);
            }
        }
        for (state, mut leaders) in by_state {
            leaders.sort_by(|a, b| a.id.cmp(&b.id));
            let Some(sp) = pos.get(state).copied() else {
                continue;
            };
            let base = if (sp.x - cx).abs() < 1e-6 && (sp.y - cy).abs() < 1e-6 {
                std::f64::consts::FRAC_PI_2
            } else {
                (sp.y - cy).atan2(sp.x - cx)
            };
            let k = leaders.len();
            for (j, leader) in leaders.iter().enumerate() {
                let spread = 0.55;
                let a = base + (j as f64 - (k as f64 - 1.0) / 2.0) * spread;
                pos.insert(
                    leader.id.clone(),
                    Point {
                        x: sp.x + 72.0 * a.cos(),
                        y: sp.y + 72.0 * a.sin(),
                    },
                );
            }
        }
        // Centre the drawing in the box, then keep every node inside it.
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in pos.values() {
            (x0, x1, y0, y1) = (x0.min(p.x), x1.max(p.x), y0.min(p.y), y1.max(p.y));
        }
        if x0 <= x1 {
            let dx = width / 2.0 - (x0 + x1) / 2.0;
            let dy = (top + height) / 2.0 - (y0 + y1) / 2.0;
            for p in pos.values_mut() {
                p.x = (p.x + dx).clamp(60.0, (width - 60.0).max(60.0));
                p.y = (p.y + dy).clamp(top + 24.0, (height - 30.0).max(top + 24.0));
            }
        }
        pos
    }

    /// Renders the map as SVG (720×520 viewBox) with edge labels and a legend.
    pub fn to_svg(&self, opts: &SvgOptions) -> String {
        let l = labels(opts.lang);
        let nodes = self.unique_nodes();
        let edges = self.valid_edges();
        let kinds: BTreeSet<EdgeKind> = edges.iter().map(|e| e.kind).collect();
        let legend: Vec<LegendItem<'_>> = EdgeKind::ALL
            .iter()
            .filter(|k| kinds.contains(k))
            .map(|k| LegendItem {
                name: k.label(l),
                colour: k.colour(),
                line: true,
            })
            .collect();
        let desc = format!(
            "{}: {} nodes, {} links",
            self.title,
            nodes.len(),
            edges.len()
        );
        let mut svg = Svg::new(W, H, &self.title, &desc);
        let gopts = SvgOptions {
            width: W,
            height: H,
            ..*opts
        };
        let top = header(&mut svg, &self.title, &legend, &gopts);
        if nodes.is_empty() {
            svg.text(
                W / 2.0,
                H / 2.0,
                &l.no_data,
                14.0,
                Anchor::Middle,
                MUTED,
                "",
            );
            return svg.finish();
        }
        let pos = self.layout(W, H, top);
        let at = |id: &str| {
            pos.get(id).copied().unwrap_or(Point {
                x: W / 2.0,
                y: H / 2.0,
            })
        };

        // Parallel edges bend apart.
        let mut pair_count: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for e in &edges {
            *pair_count.entry(pair(e)).or_default() += 1;
        }
        let mut pair_seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut labels_svg = String::new();
        // Label boxes already placed, and the nodes' own boxes, which labels keep clear of.
        let mut taken: Vec<LabelBox> = nodes
            .iter()
            .map(|n| {
                let p = at(&n.id);
                let r = if n.kind == NodeKind::State {
                    31.0
                } else {
                    10.0
                };
                LabelBox {
                    x0: p.x - r,
                    x1: p.x + r,
                    y0: p.y - r,
                    y1: p.y + r,
                }
            })
            .collect();
        for e in &edges {
            let key = pair(e);
            let total = pair_count.get(&key).copied().unwrap_or(1);
            let k = pair_seen.entry(key).or_default();
            let offset = (*k as f64 - (total as f64 - 1.0) / 2.0) * 26.0;
            *k += 1;
            let (p, q) = (at(key.0), at(key.1));
            let (dx, dy) = (q.x - p.x, q.y - p.y);
            let len = (dx * dx + dy * dy).sqrt().max(1e-6);
            let (nx, ny) = (-dy / len, dx / len);
            let ctrl = Point {
                x: (p.x + q.x) / 2.0 + nx * offset * 2.0,
                y: (p.y + q.y) / 2.0 + ny * offset * 2.0,
            };
            let w = if e.weight.is_finite() && e.weight > 0.0 {
                e.weight
            } else {
                1.0
            };
            let width = (1.0 + 1.5 * (1.0 + w).log2()).clamp(1.0, 8.0);
            let dash = if e.kind == EdgeKind::Membership {
                " stroke-dasharray=\"5 3\""
            } else {
                ""
            };
            svg.raw(&format!(
                "<path d=\"M{} {} Q{} {} {} {}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-opacity=\"0.85\"{dash}><title>{}</title></path>\n",
                num(p.x), num(p.y), num(ctrl.x), num(ctrl.y), num(q.x), num(q.y),
                e.kind.colour(),
                num(width),
                escape_xml(&format!("{} – {}: {}", e.a, e.b, e.label))
            ));
            if !e.label.is_empty() {
                let text = fit(&e.label, 150.0, 10.0);
                let half = text_width(&text, 10.0) / 2.0 + 2.0;
                // The label sits on its own curve: at the middle if that is free, else at the
                // first point along the curve where it overlaps no other label and no node.
                let at_t = |t: f64| {
                    let u = 1.0 - t;
                    Point {
                        x: u * u * p.x + 2.0 * u * t * ctrl.x + t * t * q.x,
                        y: u * u * p.y + 2.0 * u * t * ctrl.y + t * t * q.y,
                    }
                };
                let boxed = |m: Point| LabelBox {
                    x0: m.x - half,
                    x1: m.x + half,
                    y0: m.y - 7.0,
                    y1: m.y + 6.0,
                };
                let spot = LABEL_SPOTS
                    .iter()
                    .map(|&t| boxed(at_t(t)))
                    .find(|b| !taken.iter().any(|o| o.overlaps(b)))
                    .unwrap_or_else(|| boxed(at_t(0.5)));
                let mid = spot.centre();
                taken.push(spot);
                let _ = writeln!(
                    labels_svg,
                    "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{}\" stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
                    num(mid.x),
                    num(mid.y + 3.5),
                    INK,
                    escape_xml(&text)
                );
            }
        }
        // Leaders hang off their state by a thin grey line.
        for node in nodes.iter().filter(|n| n.kind == NodeKind::Leader) {
            if let Some(sp) = node.state.as_deref().and_then(|s| pos.get(s)) {
                let p = at(&node.id);
                svg.raw(&format!(
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#BBBBBB\" stroke-width=\"1\" stroke-dasharray=\"2 2\"/>\n",
                    num(sp.x), num(sp.y), num(p.x), num(p.y)
                ));
            }
        }
        for node in &nodes {
            let p = at(&node.id);
            let label = fit(&node.label, 130.0, 12.0);
            match node.kind {
                NodeKind::State => {
                    let r = 30.0;
                    svg.raw(&format!(
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#E8F1F8\" stroke=\"#0072B2\" stroke-width=\"2\"/>\n",
                        num(p.x), num(p.y), num(r)
                    ));
                    let bold = "font-weight=\"bold\"";
                    let inside = 2.0 * r - 8.0;
                    let halves = node.label.split_once(' ').filter(|(a, b)| {
                        text_width(a, 11.0) <= inside && text_width(b.trim(), 11.0) <= inside
                    });
                    if text_width(&node.label, 12.0) <= inside {
                        svg.text(p.x, p.y + 4.5, &node.label, 12.0, Anchor::Middle, INK, bold);
                    } else if let Some((a, b)) = halves {
                        svg.text(p.x, p.y - 2.0, a, 11.0, Anchor::Middle, INK, bold);
                        svg.text(p.x, p.y + 11.5, b.trim(), 11.0, Anchor::Middle, INK, bold);
                    } else {
                        svg.text(p.x, p.y + r + 15.0, &label, 12.0, Anchor::Middle, INK, "font-weight=\"bold\" stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\"");
                    }
                }
                NodeKind::Leader => {
                    svg.raw(&format!(
                        "<circle cx=\"{}\" cy=\"{}\" r=\"9\" fill=\"#FFF3DC\" stroke=\"#E69F00\" stroke-width=\"2\"/>\n",
                        num(p.x), num(p.y)
                    ));
                    // The label goes on the side away from the state.
                    let above = node
                        .state
                        .as_deref()
                        .and_then(|s| pos.get(s))
                        .is_some_and(|sp| sp.y > p.y + 1.0);
                    let ly = if above { p.y - 15.0 } else { p.y + 23.0 };
                    svg.text(
                        p.x,
                        ly,
                        &label,
                        11.0,
                        Anchor::Middle,
                        INK,
                        "stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\"",
                    );
                }
                NodeKind::Organization => {
                    svg.raw(&format!(
                        "<rect x=\"{}\" y=\"{}\" width=\"18\" height=\"18\" rx=\"3\" fill=\"#F5E8F0\" stroke=\"#CC79A7\" stroke-width=\"2\"/>\n",
                        num(p.x - 9.0), num(p.y - 9.0)
                    ));
                    svg.text(
                        p.x,
                        p.y + 24.0,
                        &label,
                        11.0,
                        Anchor::Middle,
                        INK,
                        "stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\"",
                    );
                }
            }
        }
        svg.raw(&labels_svg);
        svg.finish()
    }

    /// GraphML (undirected), readable by networkx, Gephi, yEd and igraph.
    pub fn to_graphml(&self) -> String {
        let mut s = String::new();
        s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
        for (id, for_, name, ty) in [
            ("d0", "node", "label", "string"),
            ("d1", "node", "kind", "string"),
            ("d2", "node", "state", "string"),
            ("d3", "node", "x", "double"),
            ("d4", "node", "y", "double"),
            ("d5", "edge", "kind", "string"),
            ("d6", "edge", "label", "string"),
            ("d7", "edge", "weight", "double"),
        ] {
            let _ = writeln!(
                s,
                "  <key id=\"{id}\" for=\"{for_}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
            );
        }
        let _ = writeln!(
            s,
            "  <graph id=\"{}\" edgedefault=\"undirected\">",
            escape_xml(&graph_id(&self.title))
        );
        let pos = self.layout(W, H, 40.0);
        for n in self.unique_nodes() {
            let _ = write!(s, "    <node id=\"{}\">", escape_xml(&n.id));
            let _ = write!(
                s,
                "<data key=\"d0\">{}</data><data key=\"d1\">{}</data>",
                escape_xml(&n.label),
                n.kind.as_str()
            );
            if let Some(st) = &n.state {
                let _ = write!(s, "<data key=\"d2\">{}</data>", escape_xml(st));
            }
            if let Some(p) = pos.get(&n.id) {
                let _ = write!(
                    s,
                    "<data key=\"d3\">{}</data><data key=\"d4\">{}</data>",
                    num(p.x),
                    num(p.y)
                );
            }
            s.push_str("</node>\n");
        }
        for (i, e) in self.valid_edges().iter().enumerate() {
            let _ = writeln!(
                s,
                "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"><data key=\"d5\">{}</data><data key=\"d6\">{}</data><data key=\"d7\">{}</data></edge>",
                escape_xml(&e.a),
                escape_xml(&e.b),
                e.kind.as_str(),
                escape_xml(&e.label),
                weight(e.weight)
            );
        }
        s.push_str("  </graph>\n</graphml>\n");
        s
    }

    /// GEXF 1.2 (undirected), readable by Gephi and networkx (`read_gexf`).
    pub fn to_gexf(&self) -> String {
        let mut s = String::new();
        s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.push_str("<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:viz=\"http://www.gexf.net/1.2draft/viz\" version=\"1.2\">\n");
        let _ = writeln!(
            s,
            "  <meta><creator>entente</creator><description>{}</description></meta>",
            escape_xml(&self.title)
        );
        s.push_str("  <graph defaultedgetype=\"undirected\" mode=\"static\">\n");
        s.push_str("    <attributes class=\"node\"><attribute id=\"0\" title=\"kind\" type=\"string\"/><attribute id=\"1\" title=\"state\" type=\"string\"/></attributes>\n");
        s.push_str("    <attributes class=\"edge\"><attribute id=\"0\" title=\"kind\" type=\"string\"/></attributes>\n");
        s.push_str("    <nodes>\n");
        let pos = self.layout(W, H, 40.0);
        for n in self.unique_nodes() {
            let _ = write!(
                s,
                "      <node id=\"{}\" label=\"{}\"><attvalues><attvalue for=\"0\" value=\"{}\"/>",
                escape_xml(&n.id),
                escape_xml(&n.label),
                n.kind.as_str()
            );
            if let Some(st) = &n.state {
                let _ = write!(s, "<attvalue for=\"1\" value=\"{}\"/>", escape_xml(st));
            }
            s.push_str("</attvalues>");
            if let Some(p) = pos.get(&n.id) {
                // GEXF's y axis points up.
                let _ = write!(
                    s,
                    "<viz:position x=\"{}\" y=\"{}\" z=\"0\"/>",
                    num(p.x),
                    num(H - p.y)
                );
            }
            s.push_str("</node>\n");
        }
        s.push_str("    </nodes>\n    <edges>\n");
        for (i, e) in self.valid_edges().iter().enumerate() {
            let _ = writeln!(
                s,
                "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" label=\"{}\" weight=\"{}\"><attvalues><attvalue for=\"0\" value=\"{}\"/></attvalues></edge>",
                escape_xml(&e.a),
                escape_xml(&e.b),
                escape_xml(&e.label),
                weight(e.weight),
                e.kind.as_str()
            );
        }
        s.push_str("    </edges>\n  </graph>\n</gexf>\n");
        s
    }

    /// Cytoscape.js elements JSON: `{"elements":{"nodes":[{"data":…,"position":…}],"edges":[…]}}`.
    pub fn to_json(&self) -> String {
        let pos = self.layout(W, H, 40.0);
        let nodes: Vec<serde_json::Value> = self
            .unique_nodes()
            .iter()
            .map(|n| {
                let mut data = serde_json::json!({
                    "id": n.id, "label": n.label, "kind": n.kind.as_str(),
                });
                if let (Some(st), Some(obj)) = (&n.state, data.as_object_mut()) {
                    obj.insert("state".into(), serde_json::Value::String(st.clone()));
                }
                let p = pos.get(&n.id).copied().unwrap_or(Point { x: 0.0, y: 0.0 });
                serde_json::json!({
                    "data": data,
                    "position": { "x": round1(p.x), "y": round1(p.y) },
                })
            })
            .collect();
        let edges: Vec<serde_json::Value> = self
            .valid_edges()
            .iter()
            .enumerate()
            .map(|(i, e)| {
                serde_json::json!({ "data": {
                    "id": format!("e{i}"), "source": e.a, "target": e.b,
                    "kind": e.kind.as_str(), "label": e.label,
                    "weight": if e.weight.is_finite() && e.weight > 0.0 { e.weight } else { 1.0 },
                }})
            })
            .collect();
        let v = serde_json::json!({ "elements": { "nodes": nodes, "edges": edges } });
        serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Where along its curve an edge label may sit, in order of preference.
const LABEL_SPOTS: [f64; 9] = [0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75, 0.2, 0.8];

/// The box a label or node takes on the map.
#[derive(Clone, Copy, Debug)]
struct LabelBox {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl LabelBox {
    fn overlaps(&self, o: &LabelBox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn centre(&self) -> Point {
        Point {
            x: (self.x0 + self.x1) / 2.0,
            y: (self.y0 + self.y1) / 2.0 + 0.5,
        }
    }
}

fn pair(e: &Edge) -> (&str, &str) {
    if e.a <= e.b {
        (e.a.as_str(), e.b.as_str())
    } else {
        (e.b.as_str(), e.a.as_str())
    }
}

fn weight(w: f64) -> String {
    let w = if w.is_finite() && w > 0.0 { w } else { 1.0 };
    format!("{w}")
}

fn round1(v: f64) -> f64 {
    if v.is_finite() {
        (v * 10.0).round() / 10.0
    } else {
        0.0
    }
}

fn graph_id(title: &str) -> String {
    if title.trim().is_empty() {
        "G".to_string()
    } else {
        title.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, label: &str, kind: NodeKind, state: Option<&str>) -> Node {
        Node {
            id: id.into(),
            label: label.into(),
            kind,
            state: state.map(str::to_string),
        }
    }

    fn edge(a: &str, b: &str, kind: EdgeKind, label: &str) -> Edge {
        Edge {
            a: a.into(),
            b: b.into(),
            kind,
            label: label.into(),
            weight: 5.0,
            refs: vec![],
        }
    }

    /// (x, y, text) of the edge labels (font size 10) in an SVG.
    fn edge_labels(svg: &str) -> Vec<(f64, f64, String)> {
        svg.split("<text ")
            .skip(1)
            .filter(|t| t.contains("font-size=\"10\""))
            .map(|t| {
                let attr = |name: &str| -> f64 {
                    let s = t.split(&format!("{name}=\"")).nth(1).unwrap();
                    s[..s.find('"').unwrap()].parse().unwrap()
                };
                let text = t.split('>').nth(1).unwrap().split('<').next().unwrap();
                (attr("x"), attr("y"), text.to_string())
            })
            .collect()
    }

    #[test]
    fn labels_of_parallel_edges_do_not_overlap() {
        let g = Graph {
            title: "Relationship map".into(),
            nodes: vec![
                node("CN", "China", NodeKind::State, None),
                node("RU", "Russia", NodeKind::State, None),
                node("KP", "North Korea", NodeKind::State, None),
                node("xi", "Xi Jinping", NodeKind::Leader, Some("CN")),
                node("putin", "Vladimir Putin", NodeKind::Leader, Some("RU")),
            ],
            edges: vec![
                edge("CN", "RU", EdgeKind::Meeting, "22 exchanges"),
                edge("CN", "RU", EdgeKind::Treaty, "2 agreements"),
                edge("CN", "RU", EdgeKind::Trade, "US$183 bn (Jan–Oct 2025)"),
                edge("xi", "putin", EdgeKind::Meeting, "13 summits and calls"),
                edge("CN", "KP", EdgeKind::Meeting, "12 exchanges"),
                edge("CN", "KP", EdgeKind::Trade, "US$2.1 bn (Jan–Oct 2025)"),
                edge("RU", "KP", EdgeKind::Military, "2 military transfers"),
                edge("RU", "KP", EdgeKind::Meeting, "31 exchanges"),
            ],
        };
        let labels = edge_labels(&g.to_svg(&SvgOptions::default()));
        assert_eq!(labels.len(), 8, "{labels:?}");
        let boxes: Vec<LabelBox> = labels
            .iter()
            .map(|(x, y, t)| {
                let half = text_width(t, 10.0) / 2.0;
                LabelBox {
                    x0: x - half,
                    x1: x + half,
                    y0: y - 10.0,
                    y1: y + 2.0,
                }
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for (j, b) in boxes.iter().enumerate().skip(i + 1) {
                assert!(
                    !a.overlaps(b),
                    "`{}` and `{}` overlap",
                    labels[i].2,
                    labels[j].2
                );
            }
        }
    }
}
