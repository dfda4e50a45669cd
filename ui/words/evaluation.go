package words

import "fyne.io/fyne/v2/lang"

// EvaluationLevels are the national five levels (国办发〔2019〕51号), best first.
func EvaluationLevels() []string {
	return []string{lang.L("Very satisfied"), lang.L("Satisfied"), lang.L("Basically satisfied"), lang.L("Dissatisfied"), lang.L("Very dissatisfied")}
}
