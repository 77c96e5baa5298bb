// The element type a network computes in (issue 16): float64, the seed's and the default, or float32 (cblas_sgemm,
// float buffers and kernels). Parsed once at the boundary (checks::dtype); the parameter vector theta and the
// gradient stay float64 for the caller either way (float32 rounds theta in and widens the gradient out).
#pragma once

namespace backprop {

enum class Dtype { float64,
                   float32 };

}  // namespace backprop
