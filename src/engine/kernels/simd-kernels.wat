;; The engine's kernels in WebAssembly SIMD for tfjs-backend-wasm (the convolution, its narrow
;; form for four output channels, its filter gradient, Adam's update, channel sums, derived filters' taps, the dense layers' products,
;; zero padding), working in place on its tensors: the module imports tfjs's own memory, and
;; every pointer is a byte offset into it. Compiled by `npm run build:kernels` into simd-kernels.generated.ts (one
;; build for tfjs's single-threaded memory, one for the threaded build's shared memory).
;;
;; The convolutions' register blocking: a block of 4 x 8 outputs in eight f32x4 accumulators,
;; so each pixel costs 2 vector loads, 4 splat loads and 16 multiply-or-add instructions for 64
;; multiply-adds; V8 keeps all of it in the 16 xmm registers.
(module
  (import "env" "memory" (memory 1))

  ;; The filter gradient of a 2-D convolution, NHWC:
  ;;   out[i, j, c, o] = sum over img, a, b of x[img, a s + i - padTop, b s + j - padLeft, c] dy[img, a, b, o]
  ;; (x is zero outside its h x w pixels). x [n, h, w, cin], dy [n, ho, wo, cout],
  ;; out [kh, kw, cin, cout]; cin a multiple of 4, cout of 8. The sum runs over the rows
  ;; first .. last - 1 of the n ho rows of dy (row img ho + a), so threads can each sum a part
  ;; into a buffer of its own (accumulate adds the parts). One row of dy at a time, with the kh
  ;; input rows it meets, so what a row needs stays in the first-level cache.
  (func (export "filterGradient")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $h i32) (param $w i32) (param $cin i32)
    (param $ho i32) (param $wo i32) (param $cout i32)
    (param $kh i32) (param $kw i32) (param $s i32) (param $padTop i32) (param $padLeft i32)
    (param $first i32) (param $last i32)
    (local $row i32) (local $img i32) (local $a i32) (local $i i32) (local $j i32) (local $cb i32) (local $ob i32)
    (local $r i32) (local $xRow i32) (local $dyRow i32) (local $b0 i32) (local $b1 i32)
    (local $xp i32) (local $dp i32) (local $acc i32) (local $k i32) (local $count i32)
    (local $xStep i32) (local $dyStep i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $d0 v128) (local $d1 v128) (local $t v128)
    (memory.fill (local.get $out) (i32.const 0)
      (i32.shl (i32.mul (i32.mul (i32.mul (local.get $kh) (local.get $kw)) (local.get $cin)) (local.get $cout)) (i32.const 2)))
    ;; Bytes from one pixel of dy to the next (also from one input channel of out to the next),
    ;; and between the x pixels they meet.
    (local.set $dyStep (i32.shl (local.get $cout) (i32.const 2)))
    (local.set $xStep (i32.shl (i32.mul (local.get $s) (local.get $cin)) (i32.const 2)))
    (if (i32.ge_s (local.get $first) (local.get $last)) (then (return)))
    (local.set $row (local.get $first))
    (loop $rows
      (local.set $img (i32.div_u (local.get $row) (local.get $ho)))
      (local.set $a (i32.rem_u (local.get $row) (local.get $ho)))
      (local.set $dyRow (i32.add (local.get $dy) (i32.shl
        (i32.mul (i32.mul (i32.add (i32.mul (local.get $img) (local.get $ho)) (local.get $a)) (local.get $wo)) (local.get $cout))
        (i32.const 2))))
      (local.set $i (i32.const 0))
      (loop $tapRows
        (local.set $r (i32.sub (i32.add (i32.mul (local.get $a) (local.get $s)) (local.get $i)) (local.get $padTop)))
        (if (i32.and (i32.ge_s (local.get $r) (i32.const 0)) (i32.lt_s (local.get $r) (local.get $h)))
          (then
            (local.set $xRow (i32.add (local.get $x) (i32.shl
              (i32.mul (i32.mul (i32.add (i32.mul (local.get $img) (local.get $h)) (local.get $r)) (local.get $w)) (local.get $cin))
              (i32.const 2))))
            (local.set $j (i32.const 0))
            (loop $tapColumns
              ;; The dy columns b0 .. b1 - 1 whose x column b s + j - padLeft is inside x.
              (local.set $b0 (i32.const 0))
              (block $found
                (loop $first
                  (br_if $found (i32.ge_s (i32.sub (i32.add (i32.mul (local.get $b0) (local.get $s)) (local.get $j)) (local.get $padLeft)) (i32.const 0)))
                  (local.set $b0 (i32.add (local.get $b0) (i32.const 1)))
                  (br $first)))
              (local.set $b1 (local.get $wo))
              (block $found
                (loop $last
                  (br_if $found (i32.le_s (local.get $b1) (local.get $b0)))
                  (br_if $found (i32.lt_s
                    (i32.sub (i32.add (i32.mul (i32.sub (local.get $b1) (i32.const 1)) (local.get $s)) (local.get $j)) (local.get $padLeft))
                    (local.get $w)))
                  (local.set $b1 (i32.sub (local.get $b1) (i32.const 1)))
                  (br $last)))
              (if (i32.lt_s (local.get $b0) (local.get $b1))
                (then
                  (local.set $cb (i32.const 0))
                  (loop $inBlocks
                    (local.set $ob (i32.const 0))
                    (loop $outBlocks
                      ;; out[i, j, cb .. cb + 3, ob .. ob + 7] into the accumulators.
                      (local.set $acc (i32.add (local.get $out) (i32.shl
                        (i32.add
                          (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $cin)) (local.get $cb)) (local.get $cout))
                          (local.get $ob))
                        (i32.const 2))))
                      (local.set $a00 (v128.load (local.get $acc)))
                      (local.set $a01 (v128.load offset=16 (local.get $acc)))
                      (local.set $k (i32.add (local.get $acc) (local.get $dyStep)))
                      (local.set $a10 (v128.load (local.get $k)))
                      (local.set $a11 (v128.load offset=16 (local.get $k)))
                      (local.set $k (i32.add (local.get $k) (local.get $dyStep)))
                      (local.set $a20 (v128.load (local.get $k)))
                      (local.set $a21 (v128.load offset=16 (local.get $k)))
                      (local.set $k (i32.add (local.get $k) (local.get $dyStep)))
                      (local.set $a30 (v128.load (local.get $k)))
                      (local.set $a31 (v128.load offset=16 (local.get $k)))
                      (local.set $xp (i32.add (local.get $xRow) (i32.shl
                        (i32.add
                          (i32.mul (i32.sub (i32.add (i32.mul (local.get $b0) (local.get $s)) (local.get $j)) (local.get $padLeft)) (local.get $cin))
                          (local.get $cb))
                        (i32.const 2))))
                      (local.set $dp (i32.add (local.get $dyRow) (i32.shl
                        (i32.add (i32.mul (local.get $b0) (local.get $cout)) (local.get $ob))
                        (i32.const 2))))
                      (local.set $count (i32.sub (local.get $b1) (local.get $b0)))
                      (loop $pixels
                        (local.set $d0 (v128.load (local.get $dp)))
                        (local.set $d1 (v128.load offset=16 (local.get $dp)))
                        (local.set $t (v128.load32_splat (local.get $xp)))
                        (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $t) (local.get $d0))))
                        (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $t) (local.get $d1))))
                        (local.set $t (v128.load32_splat offset=4 (local.get $xp)))
                        (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $t) (local.get $d0))))
                        (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $t) (local.get $d1))))
                        (local.set $t (v128.load32_splat offset=8 (local.get $xp)))
                        (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $t) (local.get $d0))))
                        (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $t) (local.get $d1))))
                        (local.set $t (v128.load32_splat offset=12 (local.get $xp)))
                        (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $t) (local.get $d0))))
                        (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $t) (local.get $d1))))
                        (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
                        (local.set $dp (i32.add (local.get $dp) (local.get $dyStep)))
                        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
                        (br_if $pixels (local.get $count)))
                      (v128.store (local.get $acc) (local.get $a00))
                      (v128.store offset=16 (local.get $acc) (local.get $a01))
                      (local.set $k (i32.add (local.get $acc) (local.get $dyStep)))
                      (v128.store (local.get $k) (local.get $a10))
                      (v128.store offset=16 (local.get $k) (local.get $a11))
                      (local.set $k (i32.add (local.get $k) (local.get $dyStep)))
                      (v128.store (local.get $k) (local.get $a20))
                      (v128.store offset=16 (local.get $k) (local.get $a21))
                      (local.set $k (i32.add (local.get $k) (local.get $dyStep)))
                      (v128.store (local.get $k) (local.get $a30))
                      (v128.store offset=16 (local.get $k) (local.get $a31))
                      (local.set $ob (i32.add (local.get $ob) (i32.const 8)))
                      (br_if $outBlocks (i32.lt_s (local.get $ob) (local.get $cout))))
                    (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
                    (br_if $inBlocks (i32.lt_s (local.get $cb) (local.get $cin))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $tapColumns (i32.lt_s (local.get $j) (local.get $kw))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $tapRows (i32.lt_s (local.get $i) (local.get $kh))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $row) (local.get $last))))
  )

  ;; A 2-D convolution, NHWC, with an optional bias and LeakyReLU:
  ;;   out[img, y, q, o] = act(bias[o] + sum over i, j, c of x[img, y s + i - padTop, q s + j - padLeft, c] f[i, j, c, o])
  ;; (x is zero outside its h x w pixels). x [n, h, w, cin], f [kh, kw, cin, cout],
  ;; out [n, ho, wo, cout] laid out with oPix floats between pixels, oRow between rows and oImg
  ;; between images (cout, wo cout and ho wo cout for a tensor of its own; others write phases
  ;; of a larger image in place); padTop and padLeft may be negative (windows start inside x).
  ;; cout a multiple of 8; bias 0 for none; leaky 1 for LeakyReLU with
  ;; slope alpha (0 < alpha < 1), 0 for none. Blocks of 4 output pixels of a row x 8 output
  ;; channels; for such a block the window's kw x cin values of a filter row are contiguous in
  ;; x and in f, so one loop walks them. Pixels whose window reaches past the left or right
  ;; edge go one at a time, tap by tap.
  (func (export "conv2d")
    (param $x i32) (param $f i32) (param $bias i32) (param $out i32)
    (param $first i32) (param $last i32) (param $h i32) (param $w i32) (param $cin i32)
    (param $ho i32) (param $wo i32) (param $cout i32)
    (param $kh i32) (param $kw i32) (param $s i32) (param $padTop i32) (param $padLeft i32)
    (param $leaky i32) (param $alpha f32) (param $oPix i32) (param $oRow i32) (param $oImg i32)
    (local $oStep i32) (local $row i32) (local $img i32) (local $y i32) (local $q i32) (local $ob i32) (local $i i32) (local $j i32)
    (local $r i32) (local $col i32) (local $xp i32) (local $fp i32) (local $op i32) (local $count i32)
    (local $inner0 i32) (local $inner1 i32) (local $pix1 i32) (local $pix2 i32) (local $pix3 i32)
    (local $fStep i32) (local $window i32) (local $xRow i32) (local $outRow i32)
    (local $b0 v128) (local $b1 v128) (local $slope v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $f0 v128) (local $f1 v128) (local $t v128)
    (local.set $slope (f32x4.splat (local.get $alpha)))
    ;; Bytes between the windows of neighbouring output pixels, and between filter rows.
    (local.set $pix1 (i32.shl (i32.mul (local.get $s) (local.get $cin)) (i32.const 2)))
    (local.set $pix2 (i32.shl (local.get $pix1) (i32.const 1)))
    (local.set $pix3 (i32.add (local.get $pix2) (local.get $pix1)))
    (local.set $fStep (i32.shl (local.get $cout) (i32.const 2)))
    (local.set $oStep (i32.shl (local.get $oPix) (i32.const 2)))
    (local.set $window (i32.mul (local.get $kw) (local.get $cin)))
    ;; Output columns inner0 .. inner1 - 1 have their whole window inside x's columns.
    (local.set $inner0 (i32.const 0))
    (block $found
      (loop $first
        (br_if $found (i32.ge_s (i32.mul (local.get $inner0) (local.get $s)) (local.get $padLeft)))
        (local.set $inner0 (i32.add (local.get $inner0) (i32.const 1)))
        (br $first)))
    (local.set $inner1 (local.get $wo))
    (block $found
      (loop $last
        (br_if $found (i32.le_s (local.get $inner1) (local.get $inner0)))
        (br_if $found (i32.le_s
          (i32.add (i32.sub (i32.mul (i32.sub (local.get $inner1) (i32.const 1)) (local.get $s)) (local.get $padLeft)) (local.get $kw))
          (local.get $w)))
        (local.set $inner1 (i32.sub (local.get $inner1) (i32.const 1)))
        (br $last)))
    (if (i32.ge_s (local.get $first) (local.get $last)) (then (return)))
    (local.set $row (local.get $first))
    (loop $rows
      (local.set $img (i32.div_u (local.get $row) (local.get $ho)))
      (local.set $y (i32.rem_u (local.get $row) (local.get $ho)))
      (local.set $outRow (i32.add (local.get $out) (i32.shl
        (i32.add (i32.mul (local.get $img) (local.get $oImg)) (i32.mul (local.get $y) (local.get $oRow)))
        (i32.const 2))))
      (local.set $ob (i32.const 0))
      (loop $outBlocks
        (if (local.get $bias)
          (then
            (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $ob) (i32.const 2)))))
            (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $ob) (i32.const 2))))))
          (else
            (local.set $b0 (v128.const f32x4 0 0 0 0))
            (local.set $b1 (v128.const f32x4 0 0 0 0))))
        (local.set $q (i32.const 0))
        (loop $columns
          (local.set $op (i32.add (local.get $outRow) (i32.shl
            (i32.add (i32.mul (local.get $q) (local.get $oPix)) (local.get $ob))
            (i32.const 2))))
          (if (i32.and (i32.ge_s (local.get $q) (local.get $inner0)) (i32.le_s (i32.add (local.get $q) (i32.const 4)) (local.get $inner1)))
            (then
              ;; Four pixels q .. q + 3.
              (local.set $a00 (local.get $b0)) (local.set $a01 (local.get $b1))
              (local.set $a10 (local.get $b0)) (local.set $a11 (local.get $b1))
              (local.set $a20 (local.get $b0)) (local.set $a21 (local.get $b1))
              (local.set $a30 (local.get $b0)) (local.set $a31 (local.get $b1))
              (local.set $i (i32.const 0))
              (loop $tapRows
                (local.set $r (i32.sub (i32.add (i32.mul (local.get $y) (local.get $s)) (local.get $i)) (local.get $padTop)))
                (if (i32.and (i32.ge_s (local.get $r) (i32.const 0)) (i32.lt_s (local.get $r) (local.get $h)))
                  (then
                    (local.set $xp (i32.add (local.get $x) (i32.shl
                      (i32.mul
                        (i32.add (i32.mul (i32.add (i32.mul (local.get $img) (local.get $h)) (local.get $r)) (local.get $w))
                          (i32.sub (i32.mul (local.get $q) (local.get $s)) (local.get $padLeft)))
                        (local.get $cin))
                      (i32.const 2))))
                    (local.set $fp (i32.add (local.get $f) (i32.shl
                      (i32.add (i32.mul (i32.mul (local.get $i) (local.get $window)) (local.get $cout)) (local.get $ob))
                      (i32.const 2))))
                    (local.set $count (local.get $window))
                    (loop $taps
                      (local.set $f0 (v128.load (local.get $fp)))
                      (local.set $f1 (v128.load offset=16 (local.get $fp)))
                      (local.set $t (v128.load32_splat (local.get $xp)))
                      (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $t) (local.get $f0))))
                      (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $t) (local.get $f1))))
                      (local.set $t (v128.load32_splat (i32.add (local.get $xp) (local.get $pix1))))
                      (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $t) (local.get $f0))))
                      (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $t) (local.get $f1))))
                      (local.set $t (v128.load32_splat (i32.add (local.get $xp) (local.get $pix2))))
                      (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $t) (local.get $f0))))
                      (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $t) (local.get $f1))))
                      (local.set $t (v128.load32_splat (i32.add (local.get $xp) (local.get $pix3))))
                      (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $t) (local.get $f0))))
                      (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $t) (local.get $f1))))
                      (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                      (local.set $fp (i32.add (local.get $fp) (local.get $fStep)))
                      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
                      (br_if $taps (local.get $count)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $tapRows (i32.lt_s (local.get $i) (local.get $kh))))
              (if (local.get $leaky)
                (then
                  (local.set $a00 (f32x4.pmax (local.get $a00) (f32x4.mul (local.get $a00) (local.get $slope))))
                  (local.set $a01 (f32x4.pmax (local.get $a01) (f32x4.mul (local.get $a01) (local.get $slope))))
                  (local.set $a10 (f32x4.pmax (local.get $a10) (f32x4.mul (local.get $a10) (local.get $slope))))
                  (local.set $a11 (f32x4.pmax (local.get $a11) (f32x4.mul (local.get $a11) (local.get $slope))))
                  (local.set $a20 (f32x4.pmax (local.get $a20) (f32x4.mul (local.get $a20) (local.get $slope))))
                  (local.set $a21 (f32x4.pmax (local.get $a21) (f32x4.mul (local.get $a21) (local.get $slope))))
                  (local.set $a30 (f32x4.pmax (local.get $a30) (f32x4.mul (local.get $a30) (local.get $slope))))
                  (local.set $a31 (f32x4.pmax (local.get $a31) (f32x4.mul (local.get $a31) (local.get $slope))))))
              (v128.store (local.get $op) (local.get $a00))
              (v128.store offset=16 (local.get $op) (local.get $a01))
              (local.set $op (i32.add (local.get $op) (local.get $oStep)))
              (v128.store (local.get $op) (local.get $a10))
              (v128.store offset=16 (local.get $op) (local.get $a11))
              (local.set $op (i32.add (local.get $op) (local.get $oStep)))
              (v128.store (local.get $op) (local.get $a20))
              (v128.store offset=16 (local.get $op) (local.get $a21))
              (local.set $op (i32.add (local.get $op) (local.get $oStep)))
              (v128.store (local.get $op) (local.get $a30))
              (v128.store offset=16 (local.get $op) (local.get $a31))
              (local.set $q (i32.add (local.get $q) (i32.const 4))))
            (else
              ;; One pixel, tap by tap, skipping the taps outside x.
              (local.set $a00 (local.get $b0)) (local.set $a01 (local.get $b1))
              (local.set $i (i32.const 0))
              (loop $tapRows
                (local.set $r (i32.sub (i32.add (i32.mul (local.get $y) (local.get $s)) (local.get $i)) (local.get $padTop)))
                (if (i32.and (i32.ge_s (local.get $r) (i32.const 0)) (i32.lt_s (local.get $r) (local.get $h)))
                  (then
                    (local.set $xRow (i32.mul (i32.add (i32.mul (local.get $img) (local.get $h)) (local.get $r)) (local.get $w)))
                    (local.set $j (i32.const 0))
                    (loop $tapColumns
                      (local.set $col (i32.sub (i32.add (i32.mul (local.get $q) (local.get $s)) (local.get $j)) (local.get $padLeft)))
                      (if (i32.and (i32.ge_s (local.get $col) (i32.const 0)) (i32.lt_s (local.get $col) (local.get $w)))
                        (then
                          (local.set $xp (i32.add (local.get $x) (i32.shl
                            (i32.mul (i32.add (local.get $xRow) (local.get $col)) (local.get $cin))
                            (i32.const 2))))
                          (local.set $fp (i32.add (local.get $f) (i32.shl
                            (i32.add
                              (i32.mul (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $cin)) (local.get $cout))
                              (local.get $ob))
                            (i32.const 2))))
                          (local.set $count (local.get $cin))
                          (loop $channels
                            (local.set $t (v128.load32_splat (local.get $xp)))
                            (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $t) (v128.load (local.get $fp)))))
                            (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $t) (v128.load offset=16 (local.get $fp)))))
                            (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                            (local.set $fp (i32.add (local.get $fp) (local.get $fStep)))
                            (local.set $count (i32.sub (local.get $count) (i32.const 1)))
                            (br_if $channels (local.get $count)))))
                      (local.set $j (i32.add (local.get $j) (i32.const 1)))
                      (br_if $tapColumns (i32.lt_s (local.get $j) (local.get $kw))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $tapRows (i32.lt_s (local.get $i) (local.get $kh))))
              (if (local.get $leaky)
                (then
                  (local.set $a00 (f32x4.pmax (local.get $a00) (f32x4.mul (local.get $a00) (local.get $slope))))
                  (local.set $a01 (f32x4.pmax (local.get $a01) (f32x4.mul (local.get $a01) (local.get $slope))))))
              (v128.store (local.get $op) (local.get $a00))
              (v128.store offset=16 (local.get $op) (local.get $a01))
              (local.set $q (i32.add (local.get $q) (i32.const 1)))))
          (br_if $columns (i32.lt_s (local.get $q) (local.get $wo))))
        (local.set $ob (i32.add (local.get $ob) (i32.const 8)))
        (br_if $outBlocks (i32.lt_s (local.get $ob) (local.get $cout))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $row) (local.get $last))))
  )

;; A convolution with four output channels (narrower layers padded to four), as dot products
  ;; over the window: out[img, y, q, o] = act(bias[o] + sum over i and k < kw cin of
  ;; x[img, y s + i, q s kin + k] ft[i, o, k]), x [n, h, w, cin] already padded (every window
  ;; inside it), ft [kh, 4, kw cin] the filter with its taps and outputs swapped, bias [4] or 0,
  ;; out [n, ho, wo, 4]; kw cin a multiple of 4. Two output pixels at a time, each output's
  ;; four lanes summed at the end: the window is read as vectors, never one value spread over
  ;; a vector (eight spreads a tap made conv2d's narrow blocks wait on the shuffle unit).
  (func (export "conv2dNarrow")
    (param $x i32) (param $ft i32) (param $bias i32) (param $out i32)
    (param $first i32) (param $last i32) (param $h i32) (param $w i32) (param $cin i32)
    (param $ho i32) (param $wo i32) (param $kh i32) (param $kw i32) (param $s i32)
    (param $leaky i32) (param $alpha f32)
    (local $row i32) (local $img i32) (local $y i32) (local $q i32) (local $i i32) (local $k i32)
    (local $xp0 i32) (local $xp1 i32) (local $fp i32) (local $op i32) (local $windowBytes i32) (local $pix i32)
    (local $b0 v128) (local $slope v128) (local $xv0 v128) (local $xv1 v128) (local $fv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $slope (f32x4.splat (local.get $alpha)))
    (if (local.get $bias)
      (then (local.set $b0 (v128.load (local.get $bias))))
      (else (local.set $b0 (v128.const f32x4 0 0 0 0))))
    (local.set $windowBytes (i32.shl (i32.mul (local.get $kw) (local.get $cin)) (i32.const 2)))
    (local.set $pix (i32.shl (i32.mul (local.get $s) (local.get $cin)) (i32.const 2)))
    (if (i32.ge_s (local.get $first) (local.get $last)) (then (return)))
    (local.set $row (local.get $first))
    (loop $rows
      (local.set $img (i32.div_u (local.get $row) (local.get $ho)))
      (local.set $y (i32.rem_u (local.get $row) (local.get $ho)))
      (local.set $q (i32.const 0))
      (loop $columns
        ;; Pixels q and q + 1 (the last pixel of an odd row twice: its second copy is not stored).
        (local.set $a0 (v128.const f32x4 0 0 0 0)) (local.set $a1 (v128.const f32x4 0 0 0 0))
        (local.set $a2 (v128.const f32x4 0 0 0 0)) (local.set $a3 (v128.const f32x4 0 0 0 0))
        (local.set $c0 (v128.const f32x4 0 0 0 0)) (local.set $c1 (v128.const f32x4 0 0 0 0))
        (local.set $c2 (v128.const f32x4 0 0 0 0)) (local.set $c3 (v128.const f32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (loop $tapRows
          (local.set $xp0 (i32.add (local.get $x) (i32.shl
            (i32.mul
              (i32.add
                (i32.mul (i32.add (i32.mul (local.get $img) (local.get $h)) (i32.add (i32.mul (local.get $y) (local.get $s)) (local.get $i))) (local.get $w))
                (i32.mul (local.get $q) (local.get $s)))
              (local.get $cin))
            (i32.const 2))))
          (local.set $xp1 (select (i32.add (local.get $xp0) (local.get $pix)) (local.get $xp0)
            (i32.lt_s (i32.add (local.get $q) (i32.const 1)) (local.get $wo))))
          (local.set $fp (i32.add (local.get $ft) (i32.shl (i32.mul (local.get $i) (local.get $windowBytes)) (i32.const 2))))
          (local.set $k (i32.const 0))
          (loop $window
            (local.set $xv0 (v128.load (i32.add (local.get $xp0) (local.get $k))))
            (local.set $xv1 (v128.load (i32.add (local.get $xp1) (local.get $k))))
            (local.set $fv (v128.load (i32.add (local.get $fp) (local.get $k))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv0) (local.get $fv))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $xv1) (local.get $fv))))
            (local.set $fv (v128.load (i32.add (i32.add (local.get $fp) (local.get $windowBytes)) (local.get $k))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv0) (local.get $fv))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $xv1) (local.get $fv))))
            (local.set $fv (v128.load (i32.add (i32.add (local.get $fp) (i32.shl (local.get $windowBytes) (i32.const 1))) (local.get $k))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv0) (local.get $fv))))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $xv1) (local.get $fv))))
            (local.set $fv (v128.load (i32.add (i32.add (local.get $fp) (i32.mul (local.get $windowBytes) (i32.const 3))) (local.get $k))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv0) (local.get $fv))))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $xv1) (local.get $fv))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br_if $window (i32.lt_u (local.get $k) (local.get $windowBytes))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $tapRows (i32.lt_s (local.get $i) (local.get $kh))))
        (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $wo)) (local.get $q)) (i32.const 4))))
        (local.set $a0 (f32x4.add (local.get $b0) (call $sum4 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3))))
        (if (local.get $leaky)
          (then (local.set $a0 (f32x4.pmax (local.get $a0) (f32x4.mul (local.get $a0) (local.get $slope))))))
        (v128.store (local.get $op) (local.get $a0))
        (if (i32.lt_s (i32.add (local.get $q) (i32.const 1)) (local.get $wo))
          (then
            (local.set $c0 (f32x4.add (local.get $b0) (call $sum4 (local.get $c0) (local.get $c1) (local.get $c2) (local.get $c3))))
            (if (local.get $leaky)
              (then (local.set $c0 (f32x4.pmax (local.get $c0) (f32x4.mul (local.get $c0) (local.get $slope))))))
            (v128.store offset=16 (local.get $op) (local.get $c0))))
        (local.set $q (i32.add (local.get $q) (i32.const 2)))
        (br_if $columns (i32.lt_s (local.get $q) (local.get $wo))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $row) (local.get $last))))
  )

  ;; [sum of a's lanes, of b's, of c's, of d's].
  (func $sum4 (param $a v128) (param $b v128) (param $c v128) (param $d v128) (result v128)
    (local $ab v128) (local $cd v128)
    (local.set $ab (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
    (local.set $cd (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $ab) (local.get $cd))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $ab) (local.get $cd)))
  )

  ;; out[k] += part[k] for k < floats (a multiple of 4).
  (func (export "accumulate") (param $out i32) (param $part i32) (param $floats i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $floats) (i32.const 2))))
    (block $done
      (loop $values
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (v128.store (local.get $out) (f32x4.add (v128.load (local.get $out)) (v128.load (local.get $part))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $part (i32.add (local.get $part) (i32.const 16)))
        (br $values)))
  )

  ;; One Adam step over `floats` weights, as tfjs's AdamOptimizer computes it:
  ;;   m' = b1 m + (1 - b1) g;  v' = b2 v + (1 - b2) g g;
  ;;   w' = w - lr (m' / k1) / (sqrt(v' / k2) + eps), with k1 = 1 - b1^t and k2 = 1 - b2^t.
  ;; Inputs w, m, v, g; outputs wOut, mOut, vOut (new tensors: tfjs's values never change).
  (func (export "adam")
    (param $w i32) (param $m i32) (param $v i32) (param $g i32)
    (param $wOut i32) (param $mOut i32) (param $vOut i32) (param $floats i32)
    (param $lr f32) (param $b1 f32) (param $b2 f32) (param $eps f32) (param $k1 f32) (param $k2 f32)
    (local $at i32) (local $end i32) (local $tail i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $lrk4 v128) (local $b14 v128) (local $c14 v128) (local $b24 v128) (local $c24 v128)
    (local $eps4 v128) (local $rk24 v128)
    (local $gs f32) (local $ms f32) (local $vs f32) (local $lrk f32) (local $rk2 f32)
    ;; lr (m' / k1) / (sqrt(v' / k2) + eps) as (lr / k1) m' / (sqrt(v') / sqrt(k2) + eps): one
    ;; division and one square root a vector instead of three divisions (they bound the pass).
    (local.set $lrk (f32.div (local.get $lr) (local.get $k1)))
    (local.set $rk2 (f32.div (f32.const 1) (f32.sqrt (local.get $k2))))
    (local.set $lrk4 (f32x4.splat (local.get $lrk)))
    (local.set $rk24 (f32x4.splat (local.get $rk2)))
    (local.set $b14 (f32x4.splat (local.get $b1)))
    (local.set $c14 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $b24 (f32x4.splat (local.get $b2)))
    (local.set $c24 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $eps4 (f32x4.splat (local.get $eps)))
    ;; Bytes: whole vectors up to tail, then one float at a time.
    (local.set $end (i32.shl (local.get $floats) (i32.const 2)))
    (local.set $tail (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $at) (local.get $tail)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $at))))
        (local.set $mv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $at))) (local.get $b14))
          (f32x4.mul (local.get $gv) (local.get $c14))))
        (local.set $vv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $at))) (local.get $b24))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $c24))))
        (v128.store (i32.add (local.get $mOut) (local.get $at)) (local.get $mv))
        (v128.store (i32.add (local.get $vOut) (local.get $at)) (local.get $vv))
        (v128.store (i32.add (local.get $wOut) (local.get $at))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $at)))
            (f32x4.div (f32x4.mul (local.get $mv) (local.get $lrk4))
              (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vv)) (local.get $rk24)) (local.get $eps4)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $vectors)))
    (block $floatsDone
      (loop $scalars
        (br_if $floatsDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $at))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $at))) (local.get $b1))
          (f32.mul (local.get $gs) (f32.sub (f32.const 1) (local.get $b1)))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $at))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (f32.sub (f32.const 1) (local.get $b2)))))
        (f32.store (i32.add (local.get $mOut) (local.get $at)) (local.get $ms))
        (f32.store (i32.add (local.get $vOut) (local.get $at)) (local.get $vs))
        (f32.store (i32.add (local.get $wOut) (local.get $at))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $at)))
            (f32.div (f32.mul (local.get $ms) (local.get $lrk))
              (f32.add (f32.mul (f32.sqrt (local.get $vs)) (local.get $rk2)) (local.get $eps)))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $scalars)))
  )

  ;; A dense layer's Adam step with its gradient made on the way: g = x^T dy, g[k, j] = sum over
  ;; r < rows of x[r, k] dy[r, j], for the weights' rows first <= k < last (x [rows, kCount], dy
  ;; [rows, n], w, m, v and the outputs [kCount, n], n a multiple of 4). Row k's gradient is
  ;; summed into wOut's row k (at most n floats: it stays in the cache), four images at a time,
  ;; then adam's arithmetic reads it back and writes w' over it. A separate x^T dy wrote the whole
  ;; gradient out to memory and adam read it back (for the app's 8192 x 256 layers, 8 MB each way).
  (func (export "denseAdam")
    (param $x i32) (param $dy i32) (param $w i32) (param $m i32) (param $v i32)
    (param $wOut i32) (param $mOut i32) (param $vOut i32)
    (param $rows i32) (param $kCount i32) (param $n i32) (param $first i32) (param $last i32)
    (param $lr f32) (param $b1 f32) (param $b2 f32) (param $eps f32) (param $k1 f32) (param $k2 f32)
    (local $k i32) (local $at i32) (local $rowEnd i32) (local $j i32) (local $r i32) (local $step i32)
    (local $rowBytes i32) (local $xRowBytes i32) (local $xk i32) (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32) (local $o i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $sum v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $lrk4 v128) (local $b14 v128) (local $c14 v128) (local $b24 v128) (local $c24 v128)
    (local $eps4 v128) (local $rk24 v128)
    (local.set $lrk4 (f32x4.splat (f32.div (local.get $lr) (local.get $k1))))
    (local.set $rk24 (f32x4.splat (f32.div (f32.const 1) (f32.sqrt (local.get $k2)))))
    (local.set $b14 (f32x4.splat (local.get $b1)))
    (local.set $c14 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $b24 (f32x4.splat (local.get $b2)))
    (local.set $c24 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $eps4 (f32x4.splat (local.get $eps)))
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $xRowBytes (i32.shl (local.get $kCount) (i32.const 2)))
    (local.set $k (local.get $first))
    (block $rowsDone
      (loop $weightRows
        (br_if $rowsDone (i32.ge_s (local.get $k) (local.get $last)))
        (local.set $o (i32.add (local.get $wOut) (i32.mul (local.get $k) (local.get $rowBytes))))
        ;; g's row into wOut's: the images four at a time (the first group writes, the others
        ;; add), a missing image's x taken as 0 and its dy row as the last one's.
        (local.set $r (i32.const 0))
        (loop $groups
          (local.set $xk (i32.add (local.get $x) (i32.add (i32.mul (local.get $r) (local.get $xRowBytes)) (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $d0 (i32.add (local.get $dy) (i32.mul (local.get $r) (local.get $rowBytes))))
          (local.set $step (select (i32.sub (local.get $rows) (local.get $r)) (i32.const 4) (i32.lt_s (i32.sub (local.get $rows) (local.get $r)) (i32.const 4))))
          (local.set $c0 (v128.load32_splat (local.get $xk)))
          (local.set $c1 (if (result v128) (i32.gt_s (local.get $step) (i32.const 1))
            (then (v128.load32_splat (i32.add (local.get $xk) (local.get $xRowBytes)))) (else (v128.const i32x4 0 0 0 0))))
          (local.set $c2 (if (result v128) (i32.gt_s (local.get $step) (i32.const 2))
            (then (v128.load32_splat (i32.add (local.get $xk) (i32.shl (local.get $xRowBytes) (i32.const 1))))) (else (v128.const i32x4 0 0 0 0))))
          (local.set $c3 (if (result v128) (i32.gt_s (local.get $step) (i32.const 3))
            (then (v128.load32_splat (i32.add (local.get $xk) (i32.mul (local.get $xRowBytes) (i32.const 3))))) (else (v128.const i32x4 0 0 0 0))))
          (local.set $d1 (select (i32.add (local.get $d0) (local.get $rowBytes)) (local.get $d0) (i32.gt_s (local.get $step) (i32.const 1))))
          (local.set $d2 (select (i32.add (local.get $d1) (local.get $rowBytes)) (local.get $d0) (i32.gt_s (local.get $step) (i32.const 2))))
          (local.set $d3 (select (i32.add (local.get $d2) (local.get $rowBytes)) (local.get $d0) (i32.gt_s (local.get $step) (i32.const 3))))
          (local.set $j (i32.const 0))
          (loop $sums
            (local.set $sum (f32x4.add
              (f32x4.add
                (f32x4.mul (local.get $c0) (v128.load (i32.add (local.get $d0) (local.get $j))))
                (f32x4.mul (local.get $c1) (v128.load (i32.add (local.get $d1) (local.get $j)))))
              (f32x4.add
                (f32x4.mul (local.get $c2) (v128.load (i32.add (local.get $d2) (local.get $j))))
                (f32x4.mul (local.get $c3) (v128.load (i32.add (local.get $d3) (local.get $j)))))))
            (v128.store (i32.add (local.get $o) (local.get $j))
              (if (result v128) (local.get $r) (then (f32x4.add (v128.load (i32.add (local.get $o) (local.get $j))) (local.get $sum))) (else (local.get $sum))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br_if $sums (i32.lt_u (local.get $j) (local.get $rowBytes))))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br_if $groups (i32.lt_s (local.get $r) (local.get $rows))))
        ;; adam's arithmetic on the row, as there.
        (local.set $at (i32.mul (local.get $k) (local.get $rowBytes)))
        (local.set $rowEnd (i32.add (local.get $at) (local.get $rowBytes)))
        (loop $vectors
          (local.set $gv (v128.load (i32.add (local.get $wOut) (local.get $at))))
          (local.set $mv (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $at))) (local.get $b14))
            (f32x4.mul (local.get $gv) (local.get $c14))))
          (local.set $vv (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $at))) (local.get $b24))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $c24))))
          (v128.store (i32.add (local.get $mOut) (local.get $at)) (local.get $mv))
          (v128.store (i32.add (local.get $vOut) (local.get $at)) (local.get $vv))
          (v128.store (i32.add (local.get $wOut) (local.get $at))
            (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $at)))
              (f32x4.div (f32x4.mul (local.get $mv) (local.get $lrk4))
                (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vv)) (local.get $rk24)) (local.get $eps4)))))
          (local.set $at (i32.add (local.get $at) (i32.const 16)))
          (br_if $vectors (i32.lt_u (local.get $at) (local.get $rowEnd))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $weightRows)))
  )

  ;; One projection step's update after the backward pass (kernels/projection-update.ts), for
  ;; images first <= b < last of `per` floats each: with d = x - x0,
  ;;   dir = (g + lambda sign(d)) w, w = r r / gain (weighted; gain 0: none) or 1 (plain),
  ;;   next = min(max(x - dir alpha, 0), 1), l1[b] = sum of |d| over the image.
  ;; gain (when given) holds one image's `per` floats. As tfjs's ops compute it, one pass
  ;; instead of a dozen (each of them a pass over the batch's pixels).
  (func (export "projectionUpdate")
    (param $x i32) (param $x0 i32) (param $g i32) (param $r i32) (param $gain i32) (param $next i32) (param $l1 i32)
    (param $per i32) (param $first i32) (param $last i32) (param $alpha f32) (param $lambda f32) (param $weighted i32)
    (local $b i32) (local $at i32) (local $end i32) (local $tail i32) (local $base i32) (local $gi i32)
    (local $xv v128) (local $dv v128) (local $dir v128) (local $sum v128) (local $lam v128) (local $alp v128)
    (local $zero v128) (local $one v128)
    (local $xs f32) (local $ds f32) (local $dirs f32) (local $sums f32)
    (local.set $lam (f32x4.splat (local.get $lambda)))
    (local.set $alp (f32x4.splat (local.get $alpha)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $end (i32.shl (local.get $per) (i32.const 2)))
    (local.set $tail (i32.and (local.get $end) (i32.const -16)))
    (local.set $b (local.get $first))
    (block $imagesDone
      (loop $images
        (br_if $imagesDone (i32.ge_s (local.get $b) (local.get $last)))
        (local.set $base (i32.mul (local.get $b) (local.get $end)))
        (local.set $sum (v128.const i32x4 0 0 0 0))
        (local.set $at (i32.const 0))
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.ge_u (local.get $at) (local.get $tail)))
            (local.set $gi (i32.add (local.get $base) (local.get $at)))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $gi))))
            (local.set $dv (f32x4.sub (local.get $xv) (v128.load (i32.add (local.get $x0) (local.get $gi)))))
            (local.set $sum (f32x4.add (local.get $sum) (f32x4.abs (local.get $dv))))
            ;; lambda sign(d): lambda where d > 0, -lambda where d < 0, 0 at 0.
            (local.set $dir (f32x4.add (v128.load (i32.add (local.get $g) (local.get $gi)))
              (f32x4.sub
                (v128.and (f32x4.gt (local.get $dv) (local.get $zero)) (local.get $lam))
                (v128.and (f32x4.lt (local.get $dv) (local.get $zero)) (local.get $lam)))))
            (if (local.get $weighted)
              (then
                (local.set $dv (v128.load (i32.add (local.get $r) (local.get $gi))))
                (local.set $dv (f32x4.mul (local.get $dv) (local.get $dv)))
                (if (local.get $gain)
                  (then (local.set $dv (f32x4.div (local.get $dv) (v128.load (i32.add (local.get $gain) (local.get $at)))))))
                (local.set $dir (f32x4.mul (local.get $dir) (local.get $dv)))))
            (v128.store (i32.add (local.get $next) (local.get $gi))
              (f32x4.min (f32x4.max (f32x4.sub (local.get $xv) (f32x4.mul (local.get $dir) (local.get $alp))) (local.get $zero)) (local.get $one)))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (br $vectors)))
        (local.set $sums (call $laneSum (local.get $sum)))
        (block $floatsDone
          (loop $floats
            (br_if $floatsDone (i32.ge_u (local.get $at) (local.get $end)))
            (local.set $gi (i32.add (local.get $base) (local.get $at)))
            (local.set $xs (f32.load (i32.add (local.get $x) (local.get $gi))))
            (local.set $ds (f32.sub (local.get $xs) (f32.load (i32.add (local.get $x0) (local.get $gi)))))
            (local.set $sums (f32.add (local.get $sums) (f32.abs (local.get $ds))))
            (local.set $dirs (f32.add (f32.load (i32.add (local.get $g) (local.get $gi)))
              (select (local.get $lambda)
                (select (f32.neg (local.get $lambda)) (f32.const 0) (f32.lt (local.get $ds) (f32.const 0)))
                (f32.gt (local.get $ds) (f32.const 0)))))
            (if (local.get $weighted)
              (then
                (local.set $ds (f32.load (i32.add (local.get $r) (local.get $gi))))
                (local.set $ds (f32.mul (local.get $ds) (local.get $ds)))
                (if (local.get $gain)
                  (then (local.set $ds (f32.div (local.get $ds) (f32.load (i32.add (local.get $gain) (local.get $at)))))))
                (local.set $dirs (f32.mul (local.get $dirs) (local.get $ds)))))
            (f32.store (i32.add (local.get $next) (local.get $gi))
              (f32.min (f32.max (f32.sub (local.get $xs) (f32.mul (local.get $dirs) (local.get $alpha))) (f32.const 0)) (f32.const 1)))
            (local.set $at (i32.add (local.get $at) (i32.const 4)))
            (br $floats)))
        (f32.store (i32.add (local.get $l1) (i32.shl (local.get $b) (i32.const 2))) (local.get $sums))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $images)))
  )

  ;; Elementwise activations (kernels/activation.ts) over floats first <= i < last, whole vectors
  ;; then one at a time:
  ;;   mode 0, LeakyReLU: out = max(x, alpha x) (0 < alpha < 1);
  ;;   mode 1, LeakyReLU's gradient from its output y: out = dy where y > 0, else alpha dy;
  ;;   mode 2, the sigmoid's gradient from its output y: out = dy (y (1 - y)).
  ;; x is y for the gradients; dy unused (0) for mode 0.
  (func (export "activation")
    (param $x i32) (param $dy i32) (param $out i32) (param $first i32) (param $last i32) (param $mode i32) (param $alpha f32)
    (local $at i32) (local $end i32) (local $tail i32) (local $a v128) (local $one v128) (local $zero v128) (local $v v128) (local $s f32)
    (local.set $a (f32x4.splat (local.get $alpha)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $at (i32.shl (local.get $first) (i32.const 2)))
    (local.set $end (i32.shl (local.get $last) (i32.const 2)))
    (local.set $tail (i32.sub (local.get $end) (i32.and (i32.sub (local.get $end) (local.get $at)) (i32.const 15))))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $at) (local.get $tail)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $at))))
        (v128.store (i32.add (local.get $out) (local.get $at))
          (if (result v128) (i32.eqz (local.get $mode))
            (then (f32x4.max (local.get $v) (f32x4.mul (local.get $v) (local.get $a))))
            (else
              (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $at)))
                (if (result v128) (i32.eq (local.get $mode) (i32.const 1))
                  (then (v128.bitselect (local.get $one) (local.get $a) (f32x4.gt (local.get $v) (local.get $zero))))
                  (else (f32x4.mul (local.get $v) (f32x4.sub (local.get $one) (local.get $v)))))))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $vectors)))
    (block $floatsDone
      (loop $floats
        (br_if $floatsDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $s (f32.load (i32.add (local.get $x) (local.get $at))))
        (f32.store (i32.add (local.get $out) (local.get $at))
          (if (result f32) (i32.eqz (local.get $mode))
            (then (f32.max (local.get $s) (f32.mul (local.get $s) (local.get $alpha))))
            (else
              (f32.mul (f32.load (i32.add (local.get $dy) (local.get $at)))
                (if (result f32) (i32.eq (local.get $mode) (i32.const 1))
                  (then (select (f32.const 1) (local.get $alpha) (f32.gt (local.get $s) (f32.const 0))))
                  (else (f32.mul (local.get $s) (f32.sub (f32.const 1) (local.get $s)))))))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $floats)))
  )

  ;; out[c] = sum over p < pixels of x[p, c], c < channels (a multiple of 4): a bias's gradient.
  ;; One pass over x, the sums kept in out (in the first-level cache).
  (func (export "channelSums") (param $x i32) (param $out i32) (param $pixels i32) (param $channels i32)
    (local $rowBytes i32) (local $end i32) (local $c i32)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $pixels) (local.get $rowBytes))))
    (memory.fill (local.get $out) (i32.const 0) (local.get $rowBytes))
    (block $done
      (loop $pixelRows
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $c (i32.const 0))
        (loop $vectors
          (v128.store (i32.add (local.get $out) (local.get $c))
            (f32x4.add (v128.load (i32.add (local.get $out) (local.get $c))) (v128.load (i32.add (local.get $x) (local.get $c)))))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $vectors (i32.lt_u (local.get $c) (local.get $rowBytes))))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (br $pixelRows)))
  )

  ;; Zero padding of an NHWC tensor's rows and columns: x [n, h, w, c] -> out [n, h + top +
  ;; bottom, w + left + right, c], for the output rows first <= row < last (row img hp + y):
  ;; a row of x is one copy (w c floats in a row), the padding zeros around it.
  (func (export "padSpatial")
    (param $x i32) (param $out i32) (param $h i32) (param $w i32) (param $c i32)
    (param $top i32) (param $left i32) (param $hp i32) (param $wp i32) (param $first i32) (param $last i32)
    (local $row i32) (local $y i32) (local $img i32) (local $o i32) (local $outRowBytes i32) (local $inRowBytes i32)
    (local $leftBytes i32) (local $rightBytes i32)
    (local.set $outRowBytes (i32.shl (i32.mul (local.get $wp) (local.get $c)) (i32.const 2)))
    (local.set $inRowBytes (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $leftBytes (i32.shl (i32.mul (local.get $left) (local.get $c)) (i32.const 2)))
    (local.set $rightBytes (i32.sub (i32.sub (local.get $outRowBytes) (local.get $inRowBytes)) (local.get $leftBytes)))
    (local.set $row (local.get $first))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $row) (local.get $last)))
        (local.set $img (i32.div_u (local.get $row) (local.get $hp)))
        (local.set $y (i32.sub (i32.rem_u (local.get $row) (local.get $hp)) (local.get $top)))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $row) (local.get $outRowBytes))))
        (if (i32.or (i32.lt_s (local.get $y) (i32.const 0)) (i32.ge_s (local.get $y) (local.get $h)))
          (then (memory.fill (local.get $o) (i32.const 0) (local.get $outRowBytes)))
          (else
            (memory.fill (local.get $o) (i32.const 0) (local.get $leftBytes))
            (memory.copy (i32.add (local.get $o) (local.get $leftBytes))
              (i32.add (local.get $x) (i32.mul (i32.add (i32.mul (local.get $img) (local.get $h)) (local.get $y)) (local.get $inRowBytes)))
              (local.get $inRowBytes))
            (memory.fill (i32.add (i32.add (local.get $o) (local.get $leftBytes)) (local.get $inRowBytes)) (i32.const 0) (local.get $rightBytes))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
  )

  ;; Zero channels after each pixel's c values: x [pixels, c] -> out [pixels, cp], cp > c, for
  ;; pixels first <= p < last of `pixels` in all. With c < 4 <= cp a pixel is one vector load
  ;; (reading past the pixel, so not for the tensor's last one), its extra lanes masked to zero,
  ;; and one store; otherwise one value at a time.
  (func (export "padChannels")
    (param $x i32) (param $out i32) (param $c i32) (param $cp i32) (param $pixels i32) (param $first i32) (param $last i32)
    (local $p i32) (local $xp i32) (local $op i32) (local $k i32) (local $mask v128) (local $xStep i32) (local $oStep i32)
    (local.set $xStep (i32.shl (local.get $c) (i32.const 2)))
    (local.set $oStep (i32.shl (local.get $cp) (i32.const 2)))
    (local.set $p (local.get $first))
    (local.set $xp (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $xStep))))
    (local.set $op (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $oStep))))
    (local.set $mask (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $c))))
    (block $done
      (loop $pixelsLoop
        (br_if $done (i32.ge_s (local.get $p) (local.get $last)))
        (if (i32.and (i32.and (i32.lt_s (local.get $c) (i32.const 4)) (i32.ge_s (local.get $cp) (i32.const 4)))
              (i32.lt_s (i32.add (local.get $p) (i32.const 1)) (local.get $pixels)))
          (then
            (v128.store (local.get $op) (v128.and (v128.load (local.get $xp)) (local.get $mask)))
            (local.set $k (i32.const 4)))
          (else
            (local.set $k (i32.const 0))
            (loop $copy
              (f32.store (i32.add (local.get $op) (i32.shl (local.get $k) (i32.const 2)))
                (f32.load (i32.add (local.get $xp) (i32.shl (local.get $k) (i32.const 2)))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $copy (i32.lt_s (local.get $k) (local.get $c))))))
        (block $zeroed
          (loop $zero
            (br_if $zeroed (i32.ge_s (local.get $k) (local.get $cp)))
            (f32.store (i32.add (local.get $op) (i32.shl (local.get $k) (i32.const 2))) (f32.const 0))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $zero)))
        (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
        (local.set $op (i32.add (local.get $op) (local.get $oStep)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pixelsLoop)))
  )

;; A block of a 4-byte-valued NHWC tensor (tf.slice): out [n, ho, wo, co] = x [n0 + i, h0 + y,
  ;; w0 + x, c0 + k] of x [., h, w, c], for the output rows first <= row < last (row i ho + y).
  ;; Whole pixels (co = c) are one copy a row; otherwise each pixel's co values are copied four
  ;; at a time, then one at a time.
  (func (export "crop")
    (param $x i32) (param $out i32) (param $h i32) (param $w i32) (param $c i32)
    (param $n0 i32) (param $h0 i32) (param $w0 i32) (param $c0 i32) (param $ho i32) (param $wo i32) (param $co i32)
    (param $first i32) (param $last i32)
    (local $row i32) (local $src i32) (local $dst i32) (local $px i32) (local $k i32) (local $rowBytes i32)
    (local $inPix i32) (local $outPix i32)
    (local.set $rowBytes (i32.shl (i32.mul (local.get $wo) (local.get $co)) (i32.const 2)))
    (local.set $inPix (i32.shl (local.get $c) (i32.const 2)))
    (local.set $outPix (i32.shl (local.get $co) (i32.const 2)))
    (local.set $row (local.get $first))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $row) (local.get $last)))
        (local.set $src (i32.add (local.get $x) (i32.shl
          (i32.add
            (i32.mul
              (i32.add
                (i32.mul
                  (i32.add (i32.mul (i32.add (local.get $n0) (i32.div_u (local.get $row) (local.get $ho))) (local.get $h))
                    (i32.add (local.get $h0) (i32.rem_u (local.get $row) (local.get $ho))))
                  (local.get $w))
                (local.get $w0))
              (local.get $c))
            (local.get $c0))
          (i32.const 2))))
        (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $row) (local.get $rowBytes))))
        (if (i32.eq (local.get $co) (local.get $c))
          (then (memory.copy (local.get $dst) (local.get $src) (local.get $rowBytes)))
          (else
            (local.set $px (local.get $wo))
            (block $pixelsDone
              (loop $pixels
                (br_if $pixelsDone (i32.eqz (local.get $px)))
                (local.set $k (i32.const 0))
                (block $vectorsDone
                  (loop $vectors
                    (br_if $vectorsDone (i32.gt_s (i32.add (local.get $k) (i32.const 16)) (local.get $outPix)))
                    (v128.store (i32.add (local.get $dst) (local.get $k)) (v128.load (i32.add (local.get $src) (local.get $k))))
                    (local.set $k (i32.add (local.get $k) (i32.const 16)))
                    (br $vectors)))
                (block $valuesDone
                  (loop $values
                    (br_if $valuesDone (i32.ge_s (local.get $k) (local.get $outPix)))
                    (i32.store (i32.add (local.get $dst) (local.get $k)) (i32.load (i32.add (local.get $src) (local.get $k))))
                    (local.set $k (i32.add (local.get $k) (i32.const 4)))
                    (br $values)))
                (local.set $src (i32.add (local.get $src) (local.get $inPix)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outPix)))
                (local.set $px (i32.sub (local.get $px) (i32.const 1)))
                (br $pixels)))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
  )

  ;; The dense layers' products for training (kernels/dense.ts), streaming the large matrix once.
  ;; out[r, j] = sum over s < sCount of a[r ars + s acs] b[s, j], for rows first <= r < last and
  ;; columns jFirst <= j < jLast (a multiple of 4 apart), rows of b and out n floats long. Rows
  ;; in tiles of TILE (16): a tile's rows of out stay in the cache while each row of b passes
  ;; once. x W is this with r the image and s the input (b = W, its columns shared out over
  ;; threads); the filter gradient x^T dy with r the input and s the image (b = dy).
  (func (export "denseCombine")
    (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $out i32)
    (param $sCount i32) (param $n i32) (param $first i32) (param $last i32) (param $jFirst i32) (param $jLast i32)
    (local $tile i32) (local $tileEnd i32) (local $r i32) (local $s i32) (local $step i32) (local $j i32) (local $jEnd i32)
    (local $rowBytes i32) (local $o i32) (local $b0 i32) (local $ca i32) (local $acsBytes i32)
    (local $q i32) (local $qb i32) (local $qa i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $acsBytes (i32.shl (local.get $acs) (i32.const 2)))
    (local.set $jEnd (i32.shl (local.get $jLast) (i32.const 2)))
    ;; Rows of b four at a time: s, s + q, s + 2q and s + 3q for s < q (q a quarter of them), so
    ;; that each quarter is read in order (four rows side by side crossed each other's lines, which
    ;; the prefetcher did not follow); then the rows from 4q one at a time.
    (local.set $q (i32.shr_s (local.get $sCount) (i32.const 2)))
    (local.set $qb (i32.mul (local.get $q) (local.get $rowBytes)))
    (local.set $qa (i32.mul (local.get $q) (local.get $acsBytes)))
    (local.set $tile (local.get $first))
    (block $tilesDone
      (loop $tiles
        (br_if $tilesDone (i32.ge_s (local.get $tile) (local.get $last)))
        (local.set $tileEnd (select (i32.add (local.get $tile) (i32.const 16)) (local.get $last)
          (i32.lt_s (i32.add (local.get $tile) (i32.const 16)) (local.get $last))))
        (local.set $r (local.get $tile))
        (loop $zero
          (memory.fill
            (i32.add (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $rowBytes))) (i32.shl (local.get $jFirst) (i32.const 2)))
            (i32.const 0) (i32.shl (i32.sub (local.get $jLast) (local.get $jFirst)) (i32.const 2)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $zero (i32.lt_s (local.get $r) (local.get $tileEnd))))
        ;; Four rows of b at a time (one load and store of out for four multiply-adds), then one.
        (local.set $s (i32.const 0))
        (block $sDone
          (loop $sums
            (br_if $sDone (i32.ge_s (local.get $s) (local.get $sCount)))
            (local.set $step (select (i32.const 4) (i32.const 1) (i32.lt_s (local.get $s) (local.get $q))))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $s) (local.get $rowBytes))))
            (local.set $r (local.get $tile))
            (loop $rows
              ;; a[r ars + s acs] and the next three along s.
              (local.set $ca (i32.add (local.get $a)
                (i32.shl (i32.add (i32.mul (local.get $r) (local.get $ars)) (i32.mul (local.get $s) (local.get $acs))) (i32.const 2))))
              (local.set $c0 (f32x4.splat (f32.load (local.get $ca))))
              (local.set $o (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $rowBytes))))
              (local.set $j (i32.shl (local.get $jFirst) (i32.const 2)))
              (if (i32.eq (local.get $step) (i32.const 4))
                (then
                  (local.set $c1 (f32x4.splat (f32.load (i32.add (local.get $ca) (local.get $qa)))))
                  (local.set $c2 (f32x4.splat (f32.load (i32.add (local.get $ca) (i32.shl (local.get $qa) (i32.const 1))))))
                  (local.set $c3 (f32x4.splat (f32.load (i32.add (local.get $ca) (i32.mul (local.get $qa) (i32.const 3))))))
                  (block $quadDone
                    (loop $quad
                      (br_if $quadDone (i32.ge_u (local.get $j) (local.get $jEnd)))
                      (v128.store (i32.add (local.get $o) (local.get $j))
                        (f32x4.add (v128.load (i32.add (local.get $o) (local.get $j)))
                          (f32x4.add
                            (f32x4.add
                              (f32x4.mul (local.get $c0) (v128.load (i32.add (local.get $b0) (local.get $j))))
                              (f32x4.mul (local.get $c1) (v128.load (i32.add (i32.add (local.get $b0) (local.get $qb)) (local.get $j)))))
                            (f32x4.add
                              (f32x4.mul (local.get $c2) (v128.load (i32.add (i32.add (local.get $b0) (i32.shl (local.get $qb) (i32.const 1))) (local.get $j))))
                              (f32x4.mul (local.get $c3) (v128.load (i32.add (i32.add (local.get $b0) (i32.mul (local.get $qb) (i32.const 3))) (local.get $j))))))))
                      (local.set $j (i32.add (local.get $j) (i32.const 16)))
                      (br $quad))))
                (else
                  (block $oneDone
                    (loop $one
                      (br_if $oneDone (i32.ge_u (local.get $j) (local.get $jEnd)))
                      (v128.store (i32.add (local.get $o) (local.get $j))
                        (f32x4.add (v128.load (i32.add (local.get $o) (local.get $j)))
                          (f32x4.mul (local.get $c0) (v128.load (i32.add (local.get $b0) (local.get $j))))))
                      (local.set $j (i32.add (local.get $j) (i32.const 16)))
                      (br $one)))))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $rows (i32.lt_s (local.get $r) (local.get $tileEnd))))
            ;; After the q quads, on to row 4q.
            (local.set $s (select (i32.shl (local.get $q) (i32.const 2)) (i32.add (local.get $s) (i32.const 1))
              (i32.and (i32.eq (local.get $step) (i32.const 4)) (i32.eq (i32.add (local.get $s) (i32.const 1)) (local.get $q)))))
            (br $sums)))
        (local.set $tile (local.get $tileEnd))
        (br $tiles)))
  )

  ;; dx[m, k] = sum over j < n of dy[m, j] w[k, j] (dy W^T): dx [rows, kCount], dy [rows, n],
  ;; w [kCount, n], for first <= k < last; n a multiple of 4. Each row of w is read once: two
  ;; rows of w at a time against four images (eight independent sums, each vector of dy loaded
  ;; once for both rows), an odd row out alone and the images past a multiple of four one at a
  ;; time.
  (func (export "denseDots")
    (param $dy i32) (param $w i32) (param $dx i32) (param $rows i32) (param $kCount i32) (param $n i32) (param $first i32) (param $last i32)
    (local $k i32) (local $m i32) (local $j i32) (local $rowBytes i32) (local $wrow i32) (local $wrow1 i32) (local $d0 i32)
    (local $d1 i32) (local $d2 i32) (local $d3 i32) (local $pair i32) (local $half i32) (local $t i32) (local $k2 i32)
    (local $wv v128) (local $wv1 v128) (local $dv v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    ;; Row k of the first half with row k + half of the second: each half is read in order, two
    ;; sequential streams (rows k and k + 1 side by side read across each other's lines, which
    ;; the prefetcher did not follow: out of the cache, 0.6 -> 1.0 ms for 8192 rows of 1 KB).
    (local.set $half (i32.shr_s (i32.sub (local.get $last) (local.get $first)) (i32.const 1)))
    (local.set $t (i32.const 0))
    (block $kDone
      (loop $ks
        (br_if $kDone (i32.ge_s (local.get $t) (i32.add (local.get $half) (i32.and (i32.sub (local.get $last) (local.get $first)) (i32.const 1)))))
        (local.set $pair (i32.lt_s (local.get $t) (local.get $half)))
        (local.set $k (select (i32.add (local.get $first) (local.get $t)) (i32.sub (local.get $last) (i32.const 1)) (local.get $pair)))
        (local.set $k2 (select (i32.add (local.get $k) (local.get $half)) (local.get $k) (local.get $pair)))
        (local.set $wrow (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $rowBytes))))
        ;; The second row: row k2, or row k again for the odd row out (its sums unused).
        (local.set $wrow1 (i32.add (local.get $w) (i32.mul (local.get $k2) (local.get $rowBytes))))
        (local.set $m (i32.const 0))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_s (i32.add (local.get $m) (i32.const 4)) (local.get $rows)))
            (local.set $d0 (i32.add (local.get $dy) (i32.mul (local.get $m) (local.get $rowBytes))))
            (local.set $d1 (i32.add (local.get $d0) (local.get $rowBytes)))
            (local.set $d2 (i32.add (local.get $d1) (local.get $rowBytes)))
            (local.set $d3 (i32.add (local.get $d2) (local.get $rowBytes)))
            (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0))
            (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0))
            (local.set $t0 (v128.const i32x4 0 0 0 0)) (local.set $t1 (v128.const i32x4 0 0 0 0))
            (local.set $t2 (v128.const i32x4 0 0 0 0)) (local.set $t3 (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (loop $js
              (local.set $wv (v128.load (i32.add (local.get $wrow) (local.get $j))))
              (local.set $wv1 (v128.load (i32.add (local.get $wrow1) (local.get $j))))
              (local.set $dv (v128.load (i32.add (local.get $d0) (local.get $j))))
              (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $wv) (local.get $dv))))
              (local.set $t0 (f32x4.add (local.get $t0) (f32x4.mul (local.get $wv1) (local.get $dv))))
              (local.set $dv (v128.load (i32.add (local.get $d1) (local.get $j))))
              (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $wv) (local.get $dv))))
              (local.set $t1 (f32x4.add (local.get $t1) (f32x4.mul (local.get $wv1) (local.get $dv))))
              (local.set $dv (v128.load (i32.add (local.get $d2) (local.get $j))))
              (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $wv) (local.get $dv))))
              (local.set $t2 (f32x4.add (local.get $t2) (f32x4.mul (local.get $wv1) (local.get $dv))))
              (local.set $dv (v128.load (i32.add (local.get $d3) (local.get $j))))
              (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $wv) (local.get $dv))))
              (local.set $t3 (f32x4.add (local.get $t3) (f32x4.mul (local.get $wv1) (local.get $dv))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br_if $js (i32.lt_u (local.get $j) (local.get $rowBytes))))
            (call $storeDot (local.get $dx) (local.get $m) (local.get $kCount) (local.get $k) (local.get $s0))
            (call $storeDot (local.get $dx) (i32.add (local.get $m) (i32.const 1)) (local.get $kCount) (local.get $k) (local.get $s1))
            (call $storeDot (local.get $dx) (i32.add (local.get $m) (i32.const 2)) (local.get $kCount) (local.get $k) (local.get $s2))
            (call $storeDot (local.get $dx) (i32.add (local.get $m) (i32.const 3)) (local.get $kCount) (local.get $k) (local.get $s3))
            (if (local.get $pair)
              (then
                (call $storeDot (local.get $dx) (local.get $m) (local.get $kCount) (local.get $k2) (local.get $t0))
                (call $storeDot (local.get $dx) (i32.add (local.get $m) (i32.const 1)) (local.get $kCount) (local.get $k2) (local.get $t1))
                (call $storeDot (local.get $dx) (i32.add (local.get $m) (i32.const 2)) (local.get $kCount) (local.get $k2) (local.get $t2))
                (call $storeDot (local.get $dx) (i32.add (local.get $m) (i32.const 3)) (local.get $kCount) (local.get $k2) (local.get $t3))))
            (local.set $m (i32.add (local.get $m) (i32.const 4)))
            (br $quads)))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_s (local.get $m) (local.get $rows)))
            (local.set $d0 (i32.add (local.get $dy) (i32.mul (local.get $m) (local.get $rowBytes))))
            (local.set $s0 (v128.const i32x4 0 0 0 0))
            (local.set $t0 (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (loop $js1
              (local.set $dv (v128.load (i32.add (local.get $d0) (local.get $j))))
              (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (i32.add (local.get $wrow) (local.get $j))) (local.get $dv))))
              (local.set $t0 (f32x4.add (local.get $t0) (f32x4.mul (v128.load (i32.add (local.get $wrow1) (local.get $j))) (local.get $dv))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br_if $js1 (i32.lt_u (local.get $j) (local.get $rowBytes))))
            (call $storeDot (local.get $dx) (local.get $m) (local.get $kCount) (local.get $k) (local.get $s0))
            (if (local.get $pair)
              (then (call $storeDot (local.get $dx) (local.get $m) (local.get $kCount) (local.get $k2) (local.get $t0))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $rest)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $ks)))
  )

  ;; dx[m, k] = the sum of v's four lanes (dx [.., kCount]).
  (func $storeDot (param $dx i32) (param $m i32) (param $kCount i32) (param $k i32) (param $v v128)
    (f32.store (i32.add (local.get $dx) (i32.shl (i32.add (i32.mul (local.get $m) (local.get $kCount)) (local.get $k)) (i32.const 2)))
      (call $laneSum (local.get $v)))
  )

  ;; The sum of a vector's four lanes.
  (func $laneSum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v))))
  )

  ;; One channel block of a filter derived from another's taps (kernels/tap-sums.ts): with
  ;; $transpose 0, dst[c, o] = src[c, o]; with 1, dst[o, c] = src[c, o] (in and out channels
  ;; swapped); src [ci, co], dst as many floats; with $accumulate 1 added to dst instead.
  ;; Whole vectors where the block is not transposed, then one float at a time; transposed, dst
  ;; is written in order and src read across (ci co floats: at most a few tens of kilobytes).
  (func (export "tapBlock") (param $dst i32) (param $src i32) (param $ci i32) (param $co i32) (param $transpose i32) (param $accumulate i32)
    (local $bytes i32) (local $at i32) (local $tail i32) (local $o i32) (local $c i32) (local $from i32) (local $value f32) (local $rowBytes i32)
    (local.set $bytes (i32.shl (i32.mul (local.get $ci) (local.get $co)) (i32.const 2)))
    (if (i32.eqz (local.get $transpose))
      (then
        (if (i32.eqz (local.get $accumulate))
          (then (memory.copy (local.get $dst) (local.get $src) (local.get $bytes)) (return)))
        (local.set $tail (i32.and (local.get $bytes) (i32.const -16)))
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.ge_u (local.get $at) (local.get $tail)))
            (v128.store (i32.add (local.get $dst) (local.get $at))
              (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $at))) (v128.load (i32.add (local.get $src) (local.get $at)))))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (br $vectors)))
        (block $floatsDone
          (loop $floats
            (br_if $floatsDone (i32.ge_u (local.get $at) (local.get $bytes)))
            (f32.store (i32.add (local.get $dst) (local.get $at))
              (f32.add (f32.load (i32.add (local.get $dst) (local.get $at))) (f32.load (i32.add (local.get $src) (local.get $at)))))
            (local.set $at (i32.add (local.get $at) (i32.const 4)))
            (br $floats)))
        (return)))
    ;; Transposed: for each o, the column o of src (stride co floats) into the row o of dst.
    (if (i32.or (i32.eqz (local.get $ci)) (i32.eqz (local.get $co))) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $co) (i32.const 2)))
    (loop $outs
      (local.set $from (i32.add (local.get $src) (i32.shl (local.get $o) (i32.const 2))))
      (local.set $c (i32.const 0))
      (loop $ins
        (local.set $value (f32.load (local.get $from)))
        (if (local.get $accumulate) (then (local.set $value (f32.add (local.get $value) (f32.load (local.get $dst))))))
        (f32.store (local.get $dst) (local.get $value))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $from (i32.add (local.get $from) (local.get $rowBytes)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $ins (i32.lt_u (local.get $c) (local.get $ci))))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br_if $outs (i32.lt_u (local.get $o) (local.get $co))))
  )

  ;; This core's rate of 128-bit multiplies and adds, the ceiling of every kernel above (they
  ;; issue one f32x4.mul and one f32x4.add per 4 multiply-adds, as there is no fused multiply-add
  ;; in WebAssembly SIMD): 12 independent chains a = a y + x (the product depends on the chain,
  ;; so no compiler can hoist it; a tends to x / (1 - y), no overflow, no denormals),
  ;; `iterations` times: 12 x 4 x 2 floating-point operations an iteration. Returns a lane of
  ;; the sum, so that nothing is left unused.
  (func (export "mulAddPeak") (param $iterations i32) (result f32)
    (local $x v128) (local $y v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $a8 v128) (local $a9 v128) (local $a10 v128) (local $a11 v128)
    (local.set $x (v128.const f32x4 0.001 0.002 0.003 0.004))
    (local.set $y (v128.const f32x4 0.5 0.25 0.75 0.125))
    (if (i32.le_s (local.get $iterations) (i32.const 0)) (then (return (f32.const 0))))
    (loop $iterate
        (local.set $a0 (f32x4.add (f32x4.mul (local.get $a0) (local.get $y)) (local.get $x)))
        (local.set $a1 (f32x4.add (f32x4.mul (local.get $a1) (local.get $y)) (local.get $x)))
        (local.set $a2 (f32x4.add (f32x4.mul (local.get $a2) (local.get $y)) (local.get $x)))
        (local.set $a3 (f32x4.add (f32x4.mul (local.get $a3) (local.get $y)) (local.get $x)))
        (local.set $a4 (f32x4.add (f32x4.mul (local.get $a4) (local.get $y)) (local.get $x)))
        (local.set $a5 (f32x4.add (f32x4.mul (local.get $a5) (local.get $y)) (local.get $x)))
        (local.set $a6 (f32x4.add (f32x4.mul (local.get $a6) (local.get $y)) (local.get $x)))
        (local.set $a7 (f32x4.add (f32x4.mul (local.get $a7) (local.get $y)) (local.get $x)))
        (local.set $a8 (f32x4.add (f32x4.mul (local.get $a8) (local.get $y)) (local.get $x)))
        (local.set $a9 (f32x4.add (f32x4.mul (local.get $a9) (local.get $y)) (local.get $x)))
        (local.set $a10 (f32x4.add (f32x4.mul (local.get $a10) (local.get $y)) (local.get $x)))
        (local.set $a11 (f32x4.add (f32x4.mul (local.get $a11) (local.get $y)) (local.get $x)))
      (local.set $iterations (i32.sub (local.get $iterations) (i32.const 1)))
      (br_if $iterate (local.get $iterations)))
    (f32x4.extract_lane 0 (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (local.get $a2)) (local.get $a3)) (local.get $a4)) (local.get $a5)) (local.get $a6)) (local.get $a7)) (local.get $a8)) (local.get $a9)) (local.get $a10)) (local.get $a11)))
  )
)
