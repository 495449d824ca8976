#include <criterion/criterion.h>
Test(stub_protect, stub) { cr_assert(1); }
