// html_dom.h: just enough of an HTML reader to check what a browser shows: Chromium's
// --dump-dom output (serialized DOM, every non-void element closed) becomes a tree,
// and visible_text collects the text a reader sees (not in <head>, <script>, <style>,
// elements with `hidden` or inline display:none, or the body of a closed <details>).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace parity::test {

// Node is an element or a text node.
struct Node {
  std::string tag;   // lower case; empty for text
  std::string text;  // for text nodes, entities decoded
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<Node>> children;
  Node* parent = nullptr;

  bool has(const std::string& a) const { return attrs.count(a) != 0; }
  std::string attr(const std::string& a) const {
    auto it = attrs.find(a);
    return it == attrs.end() ? "" : it->second;
  }
};

// parse_html reads serialized HTML into a tree under a root node (tag "#document").
std::unique_ptr<Node> parse_html(std::string_view html);

// find_all returns every element for which pred holds, in document order.
std::vector<const Node*> find_all(const Node& root, const std::function<bool(const Node&)>& pred);

// by_id returns the element with this id, or nullptr.
const Node* by_id(const Node& root, const std::string& id);

// is_visible tells whether an element (or text) would be shown by the rules above.
bool is_visible(const Node& n);

// visible_text is the shown text under n, whitespace collapsed.
std::string visible_text(const Node& n);

// all_text is every text under n, shown or not, whitespace collapsed.
std::string all_text(const Node& n);

}  // namespace parity::test
