"""Exercise 9: memory and scale."""
from adamedu.course import cases
from adamedu.course.answers.kinds import FunctionAnswer, ValueAnswer, ladder, mistake

NB = "ex09_memory_and_scale"
ZERO = "(lesson 9, '4c. Shard the state across devices (ZeRO)')"
TOO_SMALL = mistake("stage_too_small", "at that stage each device still needs more memory than "
                    "it has")

ANSWERS = (
    FunctionAnswer(
        name="zero_bytes", notebook=NB, points=4,
        params=("n_params", "n_devices", "stage"),
        returns=("bytes",), make_cases=cases.zero_cases, reference=cases.zero_ref,
        mistakes=((mistake("zero_bytes_slip1", "stage 1 shards the optimizer state only; "
                           f"each later stage adds one more kind of tensor {ZERO}",
                           "list, for stages 0 to 3, which kinds of tensor are divided among "
                           "the devices"),
                   lambda **c: cases.zero_model(**c, shift=1)),
                  (mistake("zero_bytes_slip2", "stage 0 shards nothing; stage 1 already "
                           f"shards the optimizer state {ZERO}",
                           "list, for stages 0 to 3, which kinds of tensor are divided among "
                           "the devices"),
                   lambda **c: cases.zero_model(**c, shift=-1)),
                  (mistake("zero_bytes_slip3", "the fp32 master copy of the weights belongs to "
                           "the optimizer state too (lesson 9, '3. What it means at billions "
                           "of parameters')",
                           "the optimizer state is three fp32 numbers per parameter"),
                   lambda **c: cases.zero_model(**c, no_master=True)),
                  (mistake("zero_bytes_slip4", "in mixed precision the weights and gradients "
                           "used in the forward and backward passes are 16-bit (lesson 9, '3. "
                           "What it means at billions of parameters')",
                           "count 2 bytes for each of them"),
                   lambda **c: cases.zero_model(**c, fp32=True))),
        hint=ladder("bytes per parameter that every device keeps whole, plus the sharded ones "
                    f"divided among the devices, times the number of parameters {ZERO}",
                    "sort the 16 bytes per parameter of mixed-precision Adam into kept-whole "
                    "and sharded for the given stage"),
        subject="memory.zero_per_device"),
    ValueAnswer(name="adam_state_fp32", notebook=NB, points=1, expected=8.0,
                hint="count the optimizer's own buffers and the bytes of one fp32 number",
                wrong=((4.0, mistake("adam_state_fp32_slip1", "Adam keeps two buffers, m and "
                                     "v")),
                       (16.0, mistake("adam_state_fp32_slip2", "weights and gradients are "
                                      "not optimizer state")))),
    ValueAnswer(name="mixed_optimizer_bytes", notebook=NB, points=1, expected=12.0,
                hint="in mixed precision the optimizer keeps its own fp32 tensors",
                wrong=((8.0, mistake("mixed_optimizer_bytes_slip1", "the fp32 master copy "
                                     "of the weights is optimizer state too")),
                       (16.0, mistake("mixed_optimizer_bytes_slip2", "the 16-bit weights and "
                                      "gradients belong to the forward and backward passes, "
                                      "not the optimizer")))),
    ValueAnswer(name="model_gb_fp32", notebook=NB, points=2, expected=48.0,
                hint="bytes per parameter for everything training keeps, times the parameters",
                wrong=((12.0, mistake("model_gb_fp32_slip1", "count the gradients, m and v "
                                      "as well as the weights")),
                       (24.0, mistake("model_gb_fp32_slip2", "count Adam's m and v as well")),
                       (3e9 * 16 / 2**30, mistake("model_gb_fp32_slip3", "GB here means 10**9 "
                                                  "bytes, not 2**30")))),
    ValueAnswer(name="zero2_gb", notebook=NB, points=1, expected=13e9 * (2 + 14 / 16) / 1e9,
                hint="the unsharded bytes stay whole on every device; the sharded ones are "
                     "divided",
                wrong=((13e9 * (4 + 12 / 16) / 1e9, mistake("zero2_gb_slip1", "that is stage "
                                                            "1; stage 2 also shards the "
                                                            "gradients")),
                       (13.0, mistake("zero2_gb_slip2", "that is stage 3; stage 2 keeps the "
                                      "weights whole")),
                       (208.0, mistake("zero2_gb_slip3", "stage 2 shards part of the memory "
                                       "across the 16 devices")))),
    ValueAnswer(name="smallest_stage", notebook=NB, points=1, expected=2, skill="decide",
                hint="for each stage add what every device keeps whole and its share of what "
                f"is sharded, and choose the smallest stage that fits: each further stage "
                f"adds communication {ZERO}",
                wrong=((3, mistake("stage_fits_not_smallest", "that stage fits, but a smaller "
                                   "one fits too, with less communication")),
                       (1, TOO_SMALL), (0, TOO_SMALL))),
)
