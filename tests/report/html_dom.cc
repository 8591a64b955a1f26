#include "tests/report/html_dom.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>

#include "base/utf8.h"

namespace parity::test {

namespace {

const std::set<std::string> kVoid = {"area",  "base", "br",   "col",    "embed", "hr", "img",
                                     "input", "link", "meta", "source", "track", "wbr"};
const std::set<std::string> kRaw = {"script", "style", "textarea", "title"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += '&';
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    if (name == "amp")
      out += '&';
    else if (name == "lt")
      out += '<';
    else if (name == "gt")
      out += '>';
    else if (name == "quot")
      out += '"';
    else if (name == "apos")
      out += '\'';
    else if (name == "nbsp")
      out += "\xC2\xA0";
    else if (!name.empty() && name[0] == '#') {
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      append_utf8(out,
                  static_cast<uint32_t>(std::stoul(std::string(name.substr(hex ? 2 : 1)), nullptr, hex ? 16 : 10)));
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

void collapse_into(std::string& out, std::string_view text) {
  for (char c : text) {
    const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
}

bool hides_itself(const Node& n) {
  if (n.tag.empty()) return false;
  if (n.tag == "head" || n.tag == "script" || n.tag == "style" || n.tag == "template" || n.tag == "title") return true;
  if (n.has("hidden")) return true;
  std::string style = lower(n.attr("style"));
  style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
  return style.find("display:none") != std::string::npos;
}

// hides_child: a closed <details> shows only its <summary>.
bool hides_child(const Node& parent, const Node& child) {
  return parent.tag == "details" && !parent.has("open") && child.tag != "summary";
}

void text_of(const Node& n, bool only_visible, std::string& out) {
  if (n.tag.empty()) {
    collapse_into(out, n.text);
    return;
  }
  if (only_visible && hides_itself(n)) return;
  for (const auto& c : n.children) {
    if (only_visible && hides_child(n, *c)) continue;
    text_of(*c, only_visible, out);
    // Block-ish boundaries keep words apart.
    if (!c->tag.empty() && c->tag != "span" && c->tag != "a" && c->tag != "code" && c->tag != "strong") out += ' ';
  }
}

}  // namespace

std::unique_ptr<Node> parse_html(std::string_view s) {
  auto root = std::make_unique<Node>();
  root->tag = "#document";
  Node* cur = root.get();
  size_t i = 0;
  const auto add_text = [&](std::string_view raw, bool decode_entities) {
    if (raw.empty()) return;
    auto t = std::make_unique<Node>();
    t->text = decode_entities ? decode(raw) : std::string(raw);
    t->parent = cur;
    cur->children.push_back(std::move(t));
  };
  while (i < s.size()) {
    if (s[i] != '<') {
      const size_t next = s.find('<', i);
      add_text(s.substr(i, next - i), true);
      i = next == std::string_view::npos ? s.size() : next;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      const size_t end = s.find("-->", i + 4);
      i = end == std::string_view::npos ? s.size() : end + 3;
      continue;
    }
    if (s.compare(i, 2, "<!") == 0 || s.compare(i, 2, "<?") == 0) {
      const size_t end = s.find('>', i);
      i = end == std::string_view::npos ? s.size() : end + 1;
      continue;
    }
    if (s.compare(i, 2, "</") == 0) {
      const size_t end = s.find('>', i);
      const std::string name = lower(s.substr(i + 2, end - i - 2));
      for (Node* n = cur; n != nullptr && n != root.get(); n = n->parent) {
        if (n->tag == name) {
          cur = n->parent;
          break;
        }
      }
      i = end == std::string_view::npos ? s.size() : end + 1;
      continue;
    }
    // A start tag: name, attributes, optional '/'.
    size_t j = i + 1;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && s[j] != '>' && s[j] != '/') ++j;
    auto el = std::make_unique<Node>();
    el->tag = lower(s.substr(i + 1, j - i - 1));
    bool self_closed = false;
    while (j < s.size() && s[j] != '>') {
      if (std::isspace(static_cast<unsigned char>(s[j]))) {
        ++j;
        continue;
      }
      if (s[j] == '/') {
        self_closed = true;
        ++j;
        continue;
      }
      size_t k = j;
      while (k < s.size() && s[k] != '=' && s[k] != '>' && s[k] != '/' &&
             !std::isspace(static_cast<unsigned char>(s[k])))
        ++k;
      const std::string name = lower(s.substr(j, k - j));
      std::string value;
      j = k;
      if (j < s.size() && s[j] == '=') {
        ++j;
        if (j < s.size() && (s[j] == '"' || s[j] == '\'')) {
          const char q = s[j];
          const size_t end = s.find(q, j + 1);
          value = decode(s.substr(j + 1, end - j - 1));
          j = end == std::string_view::npos ? s.size() : end + 1;
        } else {
          size_t end = j;
          while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) && s[end] != '>') ++end;
          value = decode(s.substr(j, end - j));
          j = end;
        }
      }
      el->attrs[name] = value;
    }
    i = j + 1;
    el->parent = cur;
    Node* added = el.get();
    cur->children.push_back(std::move(el));
    if (self_closed || kVoid.count(added->tag)) continue;
    if (kRaw.count(added->tag)) {
      const size_t end = s.find("</" + added->tag, i);
      Node* saved = cur;
      cur = added;
      add_text(s.substr(i, end - i), added->tag == "title" || added->tag == "textarea");
      cur = saved;
      const size_t close = end == std::string_view::npos ? s.size() : s.find('>', end);
      i = close == std::string_view::npos ? s.size() : close + 1;
      continue;
    }
    cur = added;
  }
  return root;
}

std::vector<const Node*> find_all(const Node& root, const std::function<bool(const Node&)>& pred) {
  std::vector<const Node*> out;
  std::function<void(const Node&)> walk = [&](const Node& n) {
    if (!n.tag.empty() && pred(n)) out.push_back(&n);
    for (const auto& c : n.children) walk(*c);
  };
  walk(root);
  return out;
}

const Node* by_id(const Node& root, const std::string& id) {
  auto found = find_all(root, [&](const Node& n) { return n.attr("id") == id; });
  return found.empty() ? nullptr : found.front();
}

bool is_visible(const Node& n) {
  const Node* child = &n;
  if (hides_itself(n)) return false;
  for (const Node* p = n.parent; p != nullptr; child = p, p = p->parent) {
    if (hides_itself(*p) || hides_child(*p, *child)) return false;
  }
  return true;
}

std::string visible_text(const Node& n) {
  std::string out;
  if (!is_visible(n)) return out;
  text_of(n, true, out);
  return out;
}

std::string all_text(const Node& n) {
  std::string out;
  text_of(n, false, out);
  return out;
}

}  // namespace parity::test
