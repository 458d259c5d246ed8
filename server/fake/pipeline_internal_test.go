package fake

import (
	"reflect"
	"testing"
	"unsafe"
)

// pointerFree reports where t holds a pointer (a pointer, slice, map, string, interface, func or
// channel), or "" when it holds none.
func pointerFree(t reflect.Type, path string) string {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return ""
	case reflect.Array:
		return pointerFree(t.Elem(), path+"[]")
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if where := pointerFree(f.Type, path+"."+f.Name); where != "" {
				return where
			}
		}
		return ""
	}
	return path + " (" + t.String() + ")"
}

// TestPipeline_PointerFree keeps the stored pipeline record free of pointers and small, which is
// what keeps a store of a million pipelines cheap for the garbage collector.
func TestPipeline_PointerFree(t *testing.T) {
	t.Parallel()
	for _, typ := range []reflect.Type{reflect.TypeFor[pipeline](), reflect.TypeFor[[1 << chunkBits]pipeline]()} {
		if where := pointerFree(typ, typ.Name()); where != "" {
			t.Errorf("%s holds a pointer at %s", typ, where)
		}
	}
	if size := unsafe.Sizeof(pipeline{}); size > 64 {
		t.Errorf("a pipeline record takes %d bytes, want at most 64", size)
	}
}

// TestPipelineStore_AcrossChunks adds pipelines over several chunks and reads each back by position.
func TestPipelineStore_AcrossChunks(t *testing.T) {
	t.Parallel()
	var ps pipelineStore
	const n = 3<<chunkBits + 5
	for i := range n {
		pl := ps.add()
		if pl.position != int32(i) || pl.number != 0 {
			t.Fatalf("add %d: slot at position %d, number %d", i, pl.position, pl.number)
		}
		pl.number = int64(i) + 1
	}
	for i := range int32(n) {
		if pl := ps.at(i); pl.position != i || pl.number != int64(i)+1 {
			t.Fatalf("at(%d) = position %d, number %d", i, pl.position, pl.number)
		}
	}
	if len(ps.chunks) != 4 {
		t.Errorf("%d chunks for %d pipelines, want 4", len(ps.chunks), n)
	}
}
