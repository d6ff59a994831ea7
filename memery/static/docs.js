// /docs: the API's OpenAPI schema as a page, with nothing loaded from elsewhere.
const make = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

function typeOf(schema, spec) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(s, spec)).join(" | ");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items, spec)}[]`;
  return schema.type || "";
}

function limits(schema) {
  const parts = [["minimum", "≥"], ["maximum", "≤"], ["exclusiveMinimum", ">"], ["maxLength", "length ≤"], ["maxItems", "items ≤"]]
    .filter(([k]) => schema && schema[k] !== undefined).map(([k, s]) => `${s} ${schema[k]}`);
  if (schema && schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(", ");
}

function table(rows) {
  const t = make("table");
  const head = make("tr");
  ["name", "in", "type", "", "what it is"].forEach((h) => head.append(make("th", null, h)));
  t.append(head);
  rows.forEach((r) => {
    const tr = make("tr");
    r.forEach((cell, i) => tr.append(make("td", i === 3 ? "muted" : null, cell)));
    t.append(tr);
  });
  return t;
}

async function start() {
  const spec = await (await fetch("/openapi.json")).json();
  document.getElementById("title").textContent = `${spec.info.title} API ${spec.info.version}`;
  document.getElementById("about").textContent = spec.info.description || "";
  const routes = document.getElementById("routes");
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const box = make("section", "route");
      const h = make("h2");
      h.append(make("span", `method ${method}`, method.toUpperCase()), path);
      box.append(h, make("div", null, op.summary || ""));
      const rows = (op.parameters || []).map((p) => [p.name, p.in, typeOf(p.schema, spec), limits(p.schema), p.description || p.schema?.description || ""]);
      const body = op.requestBody?.content?.["application/json"]?.schema;
      if (body?.$ref) {
        const model = spec.components.schemas[body.$ref.split("/").pop()];
        for (const [name, s] of Object.entries(model.properties)) rows.push([name, "JSON body", typeOf(s, spec), limits(s), s.description || ""]);
      }
      const answer = op.responses?.["200"]?.content?.["application/json"]?.schema;
      const fields = (ref, prefix) => Object.entries(spec.components.schemas[ref.split("/").pop()].properties).flatMap(([name, s]) => {
        const row = [prefix + name, "answer", typeOf(s, spec), "", s.description || ""];
        const inner = s.$ref || s.items?.$ref; // one level down: the fields of each result, of each folder
        return inner && !prefix ? [row, ...fields(inner, `${name}[].`)] : [row];
      });
      if (answer?.$ref) rows.push(...fields(answer.$ref, ""));
      if (rows.length) box.append(table(rows));
      const answers = Object.entries(op.responses || {}).map(([code, r]) => `${code}: ${r.description}`).join(" · ");
      box.append(make("div", "muted", `Responses: ${answers}`));
      routes.append(box);
    }
  }
}
start();
