;; The influence scoring loops as a WebAssembly SIMD module (source of `simd-kernels.wasm.ts`,
;; built by `npm run build:wasm` with the `wabt` package; a test rebuilds it and compares bytes).
;;
;; Same float64 operations, in the same order per row, as `referenceScore` in `influence.ts`:
;; float32 lanes are promoted to float64, multiplied and added exactly as JavaScript does, so the
;; scores are bit-identical. Pointers are byte offsets into the imported memory; `q` is the query
;; as float64 (8 bytes per element). Both functions need dim % 4 = 0.
(module
  (type $kernel (func (param i32 i32 i32 i32 i32)))
  (import "env" "mem" (memory 1))

  ;; dot(v, rows, q, dim, out): per row, accumulators (s0, s1) and (s2, s3) in two f64x2 lanes
  ;; over j mod 4; out[row] = ((s0 + s1) + s2) + s3.
  (func $dot (type $kernel) (param $v i32) (param $rows i32) (param $q i32) (param $dim i32) (param $out i32)
    (local $end i32) (local $qp i32) (local $a v128) (local $b v128) (local $x v128)
    block $done
      local.get $rows
      i32.eqz
      br_if $done
      loop $row
        v128.const i32x4 0 0 0 0
        local.set $a
        v128.const i32x4 0 0 0 0
        local.set $b
        ;; end = v + dim * 4 bytes
        local.get $v
        local.get $dim
        i32.const 2
        i32.shl
        i32.add
        local.set $end
        local.get $q
        local.set $qp
        loop $column
          local.get $v
          v128.load
          local.set $x
          ;; a += promote(x0, x1) * (q0, q1)
          local.get $a
          local.get $x
          f64x2.promote_low_f32x4
          local.get $qp
          v128.load
          f64x2.mul
          f64x2.add
          local.set $a
          ;; b += promote(x2, x3) * (q2, q3)
          local.get $b
          local.get $x
          local.get $x
          i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
          f64x2.promote_low_f32x4
          local.get $qp
          v128.load offset=16
          f64x2.mul
          f64x2.add
          local.set $b
          local.get $v
          i32.const 16
          i32.add
          local.set $v
          local.get $qp
          i32.const 32
          i32.add
          local.set $qp
          local.get $v
          local.get $end
          i32.lt_u
          br_if $column
        end
        ;; out[row] = ((a0 + a1) + b0) + b1
        local.get $out
        local.get $a
        f64x2.extract_lane 0
        local.get $a
        f64x2.extract_lane 1
        f64.add
        local.get $b
        f64x2.extract_lane 0
        f64.add
        local.get $b
        f64x2.extract_lane 1
        f64.add
        f64.store
        local.get $out
        i32.const 8
        i32.add
        local.set $out
        local.get $rows
        i32.const 1
        i32.sub
        local.tee $rows
        br_if $row
      end
    end)

  ;; cos(v, pairs, q, dim, out): two rows per pass, one per lane, each one running dot and one
  ;; running squared norm; writes (dotA, dotB, normA, normB) per pair.
  (func $cos (type $kernel) (param $v i32) (param $pairs i32) (param $q i32) (param $dim i32) (param $out i32)
    (local $b i32) (local $end i32) (local $qp i32)
    (local $dots v128) (local $norms v128) (local $lo v128) (local $hi v128) (local $p v128)
    block $done
      local.get $pairs
      i32.eqz
      br_if $done
      loop $pair
        v128.const i32x4 0 0 0 0
        local.set $dots
        v128.const i32x4 0 0 0 0
        local.set $norms
        ;; row b starts where row a ends
        local.get $v
        local.get $dim
        i32.const 2
        i32.shl
        i32.add
        local.set $b
        local.get $b
        local.set $end
        local.get $q
        local.set $qp
        loop $column
          ;; lo = (a0, b0, a1, b1), hi = (a2, b2, a3, b3)
          local.get $v
          v128.load
          local.get $b
          v128.load
          i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          local.set $lo
          local.get $v
          v128.load
          local.get $b
          v128.load
          i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          local.set $hi
          ;; column 0: p = (a0, b0)
          local.get $lo
          f64x2.promote_low_f32x4
          local.set $p
          local.get $dots
          local.get $p
          local.get $qp
          v128.load64_splat
          f64x2.mul
          f64x2.add
          local.set $dots
          local.get $norms
          local.get $p
          local.get $p
          f64x2.mul
          f64x2.add
          local.set $norms
          ;; column 1: p = (a1, b1)
          local.get $lo
          local.get $lo
          i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
          f64x2.promote_low_f32x4
          local.set $p
          local.get $dots
          local.get $p
          local.get $qp
          v128.load64_splat offset=8
          f64x2.mul
          f64x2.add
          local.set $dots
          local.get $norms
          local.get $p
          local.get $p
          f64x2.mul
          f64x2.add
          local.set $norms
          ;; column 2: p = (a2, b2)
          local.get $hi
          f64x2.promote_low_f32x4
          local.set $p
          local.get $dots
          local.get $p
          local.get $qp
          v128.load64_splat offset=16
          f64x2.mul
          f64x2.add
          local.set $dots
          local.get $norms
          local.get $p
          local.get $p
          f64x2.mul
          f64x2.add
          local.set $norms
          ;; column 3: p = (a3, b3)
          local.get $hi
          local.get $hi
          i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
          f64x2.promote_low_f32x4
          local.set $p
          local.get $dots
          local.get $p
          local.get $qp
          v128.load64_splat offset=24
          f64x2.mul
          f64x2.add
          local.set $dots
          local.get $norms
          local.get $p
          local.get $p
          f64x2.mul
          f64x2.add
          local.set $norms
          local.get $v
          i32.const 16
          i32.add
          local.set $v
          local.get $b
          i32.const 16
          i32.add
          local.set $b
          local.get $qp
          i32.const 32
          i32.add
          local.set $qp
          local.get $v
          local.get $end
          i32.lt_u
          br_if $column
        end
        local.get $out
        local.get $dots
        v128.store
        local.get $out
        local.get $norms
        v128.store offset=16
        local.get $out
        i32.const 32
        i32.add
        local.set $out
        ;; the next pair starts where row b ended
        local.get $b
        local.set $v
        local.get $pairs
        i32.const 1
        i32.sub
        local.tee $pairs
        br_if $pair
      end
    end)

  (export "dot" (func $dot))
  (export "cos" (func $cos)))
