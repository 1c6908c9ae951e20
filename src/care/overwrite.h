// Writes elements over the ones a vector already held: an element is reset by
// `Reset`, which keeps its strings' buffers, so rebuilding a province's due
// lists in place allocates almost nothing. The vector is cut to what was
// written when the writer goes.
#pragma once
#include <cstddef>
#include <vector>

namespace u5::care {

template <class T, void (*Reset)(T&)>
class Overwrite {
 public:
  explicit Overwrite(std::vector<T>& v) : v_(v) {}
  ~Overwrite() { v_.resize(n_); }
  Overwrite(const Overwrite&) = delete;
  Overwrite& operator=(const Overwrite&) = delete;

  T& Add() {
    if (n_ == v_.size()) return v_.emplace_back(), v_[n_++];
    T& x = v_[n_++];
    Reset(x);
    return x;
  }
  size_t size() const { return n_; }
  T& operator[](size_t i) { return v_[i]; }

 private:
  std::vector<T>& v_;
  size_t n_ = 0;
};

}  // namespace u5::care
